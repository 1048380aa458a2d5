/** Wraps an async close so that every caller after the first shares the first call's outcome. */
export function once(run: () => Promise<void>): () => Promise<void> {
  let result: Promise<void> | undefined;
  return () => (result ??= run());
}
