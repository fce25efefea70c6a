import { createHashGate, type HashGate } from "./hash-gate.js";
import { DEFAULT_SCRYPT, hashPassword, type ScryptParams, verifyPassword } from "./password.js";

/**
 * PasswordHasher is every password hash the API computes. Each one passes the process's
 * HashGate, so a flood of sign-ins queues (or is refused) instead of taking libuv's whole
 * thread pool and 32 MiB per request.
 */
export interface PasswordHasher {
  /** hash returns a new stored hash of a password (SignUp). */
  hash(password: string): Promise<string>;
  /** verify tells whether a password matches a stored hash (SignIn). */
  verify(password: string, stored: string): Promise<boolean>;
  /**
   * burn spends the time of one verification against a throwaway hash: SignIn calls it for an
   * unknown email, so neither the answer nor its timing tells which emails have accounts.
   */
  burn(password: string): Promise<void>;
}

/** createPasswordHasher hashes with scrypt at `params` through `gate`. */
export function createPasswordHasher(
  options: { params?: ScryptParams; gate?: HashGate } = {},
): PasswordHasher {
  const params = options.params ?? DEFAULT_SCRYPT;
  const gate = options.gate ?? createHashGate();
  // Made once, outside the gate: it is this process's own work, not a client's.
  let dummyHash: Promise<string> | undefined;
  return {
    hash: (password) => gate.run(() => hashPassword(password, params)),
    verify: (password, stored) => gate.run(() => verifyPassword(password, stored)),
    async burn(password) {
      dummyHash ??= hashPassword("pulsar-dummy-password", params);
      const stored = await dummyHash;
      await gate.run(() => verifyPassword(password, stored));
    },
  };
}
