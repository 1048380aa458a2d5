import { z } from "zod";

const PORT_RANGE = "must be a port number from 0 to 65535";

/** "3000" -> 3000; 0 picks a free port. */
export const port = z.coerce.number({ error: PORT_RANGE }).int(PORT_RANGE).min(0, PORT_RANGE).max(65535, PORT_RANGE);

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** "900", "900s", "15m", "12h", "7d" -> seconds. */
export const duration = z
  .string()
  .regex(/^\d+[smhd]?$/, 'a duration such as "900", "15m", "12h" or "7d"')
  .transform((value) => {
    const unit = (/[smhd]$/.exec(value)?.[0] ?? "s") as keyof typeof UNIT_SECONDS;
    return Number.parseInt(value, 10) * UNIT_SECONDS[unit];
  })
  .refine((seconds) => seconds > 0, "must be longer than zero");

/** "5/1m" -> 5 points per 60 seconds. */
export const rateRule = z
  .string()
  .regex(/^\d+\/\d+[smhd]?$/, 'a limit such as "5/1m" (points per window)')
  .transform((value) => {
    const [points = "0", window = "0"] = value.split("/");
    const unit = (/[smhd]$/.exec(window)?.[0] ?? "s") as keyof typeof UNIT_SECONDS;
    return { points: Number.parseInt(points, 10), durationSeconds: Number.parseInt(window, 10) * UNIT_SECONDS[unit] };
  })
  .refine((rule) => rule.points > 0 && rule.durationSeconds > 0, "points and window must be positive");

/**
 * "kid1:secret1,kid2:secret2", oldest first: every key verifies, the last one signs. Rotate by appending a new key,
 * and remove the old one once the longest access-token lifetime has passed.
 */
export const jwtKeySet = z
  .string()
  .transform((value, ctx) => {
    const keys = value.split(",").map((entry) => {
      const at = entry.indexOf(":");
      return { kid: entry.slice(0, at).trim(), secret: entry.slice(at + 1) };
    });
    for (const key of keys) {
      if (!/^[A-Za-z0-9._-]{1,64}$/.test(key.kid)) ctx.addIssue({ code: "custom", message: 'entries are "kid:secret" with a kid of [A-Za-z0-9._-]' });
      else if (Buffer.byteLength(key.secret) < 32) ctx.addIssue({ code: "custom", message: `the secret of key "${key.kid}" must be at least 32 bytes` });
    }
    if (new Set(keys.map((key) => key.kid)).size !== keys.length) ctx.addIssue({ code: "custom", message: "kids must be unique" });
    return keys;
  });

/** "false"/"0": use the socket address; "true": trust one proxy hop; "N": trust N hops of X-Forwarded-For. */
export const trustProxy = z
  .string()
  .regex(/^(true|false|\d+)$/, 'true, false or a number of proxy hops')
  .transform((value) => (value === "true" ? 1 : value === "false" ? 0 : Number.parseInt(value, 10)));

const UNIT_BYTES = { b: 1, kb: 1024, mb: 1024 * 1024, gb: 1024 * 1024 * 1024 } as const;

/** "1048576", "512kb", "1mb" (binary units, case-insensitive) -> bytes. */
export const byteSize = z
  .string()
  .regex(/^\d+\s*([kmg]?b)?$/i, 'a size such as "1048576", "512kb" or "1mb"')
  .transform((value) => {
    const unit = (/[kmg]?b$/i.exec(value)?.[0].toLowerCase() ?? "b") as keyof typeof UNIT_BYTES;
    return Number.parseInt(value, 10) * UNIT_BYTES[unit];
  })
  .refine((bytes) => bytes > 0 && Number.isSafeInteger(bytes), "must be a positive size");

/** The exact form browsers send in `Origin`: scheme://host[:port], lower-case, no path, no trailing slash. */
function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.origin === value;
  } catch {
    return false;
  }
}

/**
 * "https://app.example.com,http://localhost:5173" -> the CORS allowlist; "*" alone allows every origin (safe here:
 * Cadence authenticates with bearer tokens, never cookies, so CORS responses never allow credentials).
 */
export const corsOrigins = z.string().transform((value, ctx) => {
  const origins = value.split(",").map((entry) => entry.trim()).filter(Boolean);
  if (origins.includes("*") && origins.length > 1) ctx.addIssue({ code: "custom", message: '"*" allows every origin and goes alone' });
  for (const origin of origins) {
    if (origin !== "*" && !isOrigin(origin)) {
      ctx.addIssue({ code: "custom", message: `"${origin}" is not an origin: write scheme://host[:port] in lower case, without a path or trailing slash` });
    }
  }
  return origins;
});
