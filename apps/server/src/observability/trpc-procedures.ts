/** More than this many procedures in one batch are logged as the first ones and a count. */
const MAX_LOGGED = 20;

/**
 * The procedure paths a /trpc URL calls: `/trpc/a,b?batch=1` calls `a` and `b`. Read from the URL, so the log
 * and metrics need nothing from the tRPC handler. `prefixLength` is the length of `/trpc/`.
 */
export function trpcProceduresOf(url: string, prefixLength: number): string[] {
  const query = url.indexOf("?", prefixLength);
  const list = url.slice(prefixLength, query === -1 ? url.length : query);
  if (list === "") return [];
  const names = list.split(",", MAX_LOGGED + 1);
  if (names.length > MAX_LOGGED) names[MAX_LOGGED] = "…";
  return names;
}
