import { hash, verify } from "@node-rs/argon2";

/** `standard` is production's cost; `test` is argon2id's minimum, for test suites only (env.ts enforces that). */
export type PasswordHashCost = "standard" | "test";

// Algorithm 2 is argon2id. `standard` is the OWASP-recommended minimum for argon2id.
const OPTIONS = {
  standard: { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 },
  test: { algorithm: 2, memoryCost: 8, timeCost: 1, parallelism: 1 },
} as const;

let cost: PasswordHashCost = "standard";

/**
 * Sets the cost of new hashes for this process (the server does it once at start-up from PASSWORD_HASH_COST).
 * Stored hashes carry their own parameters, so hashes made at either cost keep verifying.
 */
export function setPasswordHashCost(next: PasswordHashCost): void {
  cost = next;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS[cost]);
}

const dummyHashes = new Map<PasswordHashCost, Promise<string>>();

/**
 * Verifies a password against a stored hash. With no stored hash (unknown user) it verifies against a dummy
 * hash anyway, so an unknown user costs as much time as a wrong password.
 */
export async function verifyPassword(storedHash: string | undefined, password: string): Promise<boolean> {
  if (storedHash === undefined) {
    let dummyHash = dummyHashes.get(cost);
    if (!dummyHash) dummyHashes.set(cost, (dummyHash = hashPassword("cadence-dummy-password-for-timing")));
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(storedHash, password).catch(() => false);
}
