import { afterEach, describe, expect, it } from "vitest";
import { hashPassword, setPasswordHashCost, verifyPassword } from "../src/auth/passwords.js";

afterEach(() => setPasswordHashCost("standard"));

describe("password hashing", () => {
  it("hashes with argon2id at the OWASP cost unless told otherwise", async () => {
    const stored = await hashPassword("correct-horse-battery");
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(stored, "correct-horse-battery")).toBe(true);
    expect(await verifyPassword(stored, "wrong-horse-battery")).toBe(false);
  });

  it("hashes at argon2id's minimum cost when set to test, and either kind of hash keeps verifying", async () => {
    const standard = await hashPassword("made-at-standard-cost");
    setPasswordHashCost("test");
    const cheap = await hashPassword("made-at-test-cost");
    expect(cheap).toMatch(/^\$argon2id\$v=19\$m=8,t=1,p=1\$/);
    expect(await verifyPassword(cheap, "made-at-test-cost")).toBe(true);
    expect(await verifyPassword(standard, "made-at-standard-cost")).toBe(true);
    expect(await verifyPassword(undefined, "made-at-test-cost")).toBe(false);
    setPasswordHashCost("standard");
    expect(await verifyPassword(cheap, "made-at-test-cost")).toBe(true);
  });
});
