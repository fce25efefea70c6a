import { describe, expect, it } from "vitest";
import { DEFAULT_SCRYPT, hashPassword, verifyPassword } from "./password.js";

describe("password hashing", () => {
  it("hashes with the default scrypt cost and verifies only the same password", async () => {
    const stored = await hashPassword("correct horse battery");
    // OWASP's scrypt minimum in its lowest-memory form: N=2^15, r=8, p=3.
    expect(DEFAULT_SCRYPT).toEqual({ log2N: 15, r: 8, p: 3 });
    expect(stored).toMatch(/^scrypt\$15\$8\$3\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(await verifyPassword("correct horse battery", stored)).toBe(true);
    expect(await verifyPassword("correct horse batterY", stored)).toBe(false);
    expect(await verifyPassword("", stored)).toBe(false);
  });

  it("salts every hash, so equal passwords do not give equal hashes", async () => {
    const params = { log2N: 10, r: 8, p: 1 };
    const a = await hashPassword("same password", params);
    const b = await hashPassword("same password", params);
    expect(a).not.toBe(b);
    expect(await verifyPassword("same password", a)).toBe(true);
    expect(await verifyPassword("same password", b)).toBe(true);
  });

  it("verifies against the parameters stored in the hash, so the cost can be raised later", async () => {
    const old = await hashPassword("from before", { log2N: 10, r: 8, p: 1 });
    expect(await verifyPassword("from before", old)).toBe(true);
  });

  it("treats malformed or tampered hashes as never matching", async () => {
    const stored = await hashPassword("pw-1234567", { log2N: 10, r: 8, p: 1 });
    const parts = stored.split("$");
    expect(await verifyPassword("pw-1234567", "not-a-hash")).toBe(false);
    expect(await verifyPassword("pw-1234567", `bcrypt${stored.slice(6)}`)).toBe(false);
    expect(await verifyPassword("pw-1234567", [...parts.slice(0, 5), "AAAA"].join("$"))).toBe(
      false,
    );
    // An absurd cost in a planted hash must not make the server burn minutes.
    expect(
      await verifyPassword("pw-1234567", ["scrypt", 30, 8, 1, parts[4], parts[5]].join("$")),
    ).toBe(false);
  });

  it("normalises Unicode, so the same password typed on another keyboard still matches", async () => {
    const stored = await hashPassword("caf\u00e9 au lait!", { log2N: 10, r: 8, p: 1 });
    expect(await verifyPassword("cafe\u0301 au lait!", stored)).toBe(true);
  });
});
