/** Thrown for invalid configuration; the message names every offending variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}
