export interface Output {
  json: boolean;
  write(text: string): void;
}

/** Renders rows as an aligned text table with a header line. */
export function table(rows: Record<string, unknown>[], columns: string[]): string {
  if (rows.length === 0) return "(none)";
  const cell = (value: unknown) => (value === null || value === undefined ? "-" : Array.isArray(value) ? value.join(",") : String(value));
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => cell(row[column]).length)));
  const line = (values: string[]) => values.map((value, i) => value.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
  return [line(columns.map((column) => column.toUpperCase())), ...rows.map((row) => line(columns.map((column) => cell(row[column]))))].join("\n");
}

/** Prints the raw procedure output with --json, else the human rendering. */
export function print(out: Output, data: unknown, human: () => string): void {
  out.write(out.json ? JSON.stringify(data, null, 2) : human());
}

export function keyValues(record: Record<string, unknown>, keys: string[]): string {
  const width = Math.max(...keys.map((key) => key.length));
  return keys
    .map((key) => {
      const value = record[key];
      const text = value === null || value === undefined ? "-" : Array.isArray(value) ? value.join(", ") || "-" : String(value);
      return `${key.padEnd(width)}  ${text}`;
    })
    .join("\n");
}

/** "1 project", "0 projects", "2 projects". */
export function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** The line under a listed page: "page 1/3 · 41 tasks". */
export function pageFooter(page: { page: number; totalPages: number; total: number }, noun: string): string {
  return `page ${page.page}/${Math.max(page.totalPages, 1)} · ${counted(page.total, noun)}`;
}
