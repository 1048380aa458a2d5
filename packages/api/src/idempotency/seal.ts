import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import type { JwtKey } from "../config.js";

/**
 * Responses marked `Cache-Control: no-store` carry a secret (an API key's, shown once and otherwise kept only as a
 * hash), so their recorded copy is encrypted (AES-256-GCM, a key derived from the server's newest signing key) and
 * a database dump does not reveal it. Sealed text is `sealed:<kid>:<iv|tag|ciphertext in base64url>`.
 */
const PREFIX = "sealed:";

function keyOf(jwtKey: JwtKey): Buffer {
  return Buffer.from(hkdfSync("sha256", jwtKey.secret, new Uint8Array(0), "cadence idempotency response", 32));
}

export function seal(text: string, keys: readonly JwtKey[]): string {
  const signing = keys.at(-1);
  if (!signing) throw new Error("no key to seal an idempotent response with");
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyOf(signing), iv);
  const ciphertext = Buffer.concat([cipher.update(text, "utf8"), cipher.final()]);
  return `${PREFIX}${signing.kid}:${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString("base64url")}`;
}

export function isSealed(text: string): boolean {
  return text.startsWith(PREFIX);
}

/** The plain text of a sealed record, or undefined when the key that sealed it is no longer configured. */
export function unseal(text: string, keys: readonly JwtKey[]): string | undefined {
  const rest = text.slice(PREFIX.length);
  const colon = rest.indexOf(":");
  const jwtKey = keys.find((key) => key.kid === rest.slice(0, colon));
  if (!jwtKey) return undefined;
  const packed = Buffer.from(rest.slice(colon + 1), "base64url");
  const decipher = createDecipheriv("aes-256-gcm", keyOf(jwtKey), packed.subarray(0, 12));
  decipher.setAuthTag(packed.subarray(12, 28));
  return Buffer.concat([decipher.update(packed.subarray(28)), decipher.final()]).toString("utf8");
}
