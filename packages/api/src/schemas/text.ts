import { z } from "zod";

/*
 * String inputs, built so that the OpenAPI document states exactly what the server accepts (lengths count code
 * points in zod 4 as in JSON Schema, so 100 emoji are 100 characters on both sides):
 * - no U+0000 anywhere a value reaches the database, because PostgreSQL text cannot store it;
 * - trimmed inputs lose what String.prototype.trim removes (Unicode white space, U+00A0 included); the maximum
 *   length is checked on the value as sent (what the document's maxLength says) and again on the stored value,
 *   and their description says so. Their patterns
 *   match a value exactly when they match it trimmed, so the documented pattern holds for the raw input too.
 * Patterns are linear-time (no nested or overlapping quantifiers) and use no lookaround, so schema-driven test
 * generators can produce matching strings; they run on bodies of up to 1 MiB.
 */

// eslint-disable-next-line no-control-regex -- matching U+0000 is the point: PostgreSQL text cannot hold it
const NO_NUL = /^[^\u0000]*$/;
/** No NUL, and at least one character trimming keeps (`\s` is exactly the set String.prototype.trim removes). */
// eslint-disable-next-line no-control-regex -- as above
const NOT_BLANK = /^\s*[^\s\u0000][^\u0000]*$/;

export const TRIMMED_NOTE =
  "Trimmed: leading and trailing white space (what JavaScript's String.prototype.trim removes, U+00A0 included) is removed before storing; maxLength holds for the value as sent and for the stored value.";

export interface TextOptions {
  min?: number;
  max: number;
  /** What the field is; the document shows it (before the trimming note of trimmed fields). */
  description?: string;
}

/** A string stored or compared exactly as sent: no NUL, `min`-`max` characters. */
export function text({ min = 0, max, description }: TextOptions): z.ZodString {
  let schema = z.string().regex(NO_NUL, "must not contain NUL characters").max(max);
  if (min > 0) schema = schema.min(min);
  return description ? schema.describe(description) : schema;
}

/**
 * A trimmed string (names, titles, tags, search terms): not blank, no NUL, at most `max` characters as sent and stored;
 * with `lowercase`, lowercased before the limit too (a few characters, such as U+0130, grow when lowercased).
 */
export function trimmedText({ max, description, lowercase = false }: TextOptions & { lowercase?: boolean }): z.ZodString {
  const trimmed = z.string().max(max, { abort: true }).regex(NOT_BLANK, "must contain a character other than white space, and no NUL").trim();
  const note = lowercase ? `${TRIMMED_NOTE} Then lowercased, and the limit checked again.` : TRIMMED_NOTE;
  // Not blank already means at least one character: minLength is documented, not checked a second time.
  return (lowercase ? trimmed.toLowerCase() : trimmed)
    .max(max)
    .meta({ minLength: 1 })
    .describe(description ? `${description}. ${note}` : note);
}

/** Surrounding white space allowed, as trimming removes it: the pattern then holds for the input as sent. */
export function trimmable(pattern: RegExp): RegExp {
  return new RegExp(`^\\s*(?:${pattern.source.replace(/^\^/, "").replace(/\$$/, "")})\\s*$`, pattern.flags);
}
