import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";

/**
 * ScryptParams are scrypt's cost parameters. Password hashing uses scrypt from node:crypto (no
 * native addon to build). The parameters travel inside each hash, so they can be raised later
 * without invalidating stored passwords.
 */
export interface ScryptParams {
  log2N: number;
  r: number;
  p: number;
}

/**
 * DEFAULT_SCRYPT is what new hashes use: one of OWASP's equivalent minimums (N=2^15, r=8, p=3),
 * the one with the least memory (32 MiB; ~0.45 s of one core here). scrypt runs on libuv's
 * thread pool (4 threads in the API); the API computes hashes only through a PasswordHasher
 * (password-hasher.ts), whose gate bounds how many run at once.
 */
export const DEFAULT_SCRYPT: ScryptParams = { log2N: 15, r: 8, p: 3 };

const KEY_BYTES = 32;
const SALT_BYTES = 16;

/** MIN_PASSWORD_LENGTH is the shortest password SignUp accepts. */
export const MIN_PASSWORD_LENGTH = 10;
/** MAX_PASSWORD_LENGTH bounds the work one request can ask of scrypt. */
export const MAX_PASSWORD_LENGTH = 256;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.log2N;
  const options: ScryptOptions = {
    N,
    r: params.r,
    p: params.p,
    // scrypt needs 128·N·r bytes; Node's default cap (32 MiB) is below that for N=2^17.
    maxmem: 256 * N * params.r,
  };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize("NFKC"), salt, KEY_BYTES, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** hashPassword returns `scrypt$<log2 N>$<r>$<p>$<salt>$<key>` (base64) for storing. */
export async function hashPassword(
  password: string,
  params: ScryptParams = DEFAULT_SCRYPT,
): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params);
  const fields = [
    params.log2N,
    params.r,
    params.p,
    salt.toString("base64"),
    key.toString("base64"),
  ];
  return ["scrypt", ...fields].join("$");
}

/**
 * verifyPassword tells whether a password matches a stored hash, comparing in constant time.
 * A malformed hash never matches.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [log2N, r, p] = parts.slice(1, 4).map(Number);
  if (!log2N || !r || !p || log2N > 22) return false;
  const salt = Buffer.from(parts[4] ?? "", "base64");
  const expected = Buffer.from(parts[5] ?? "", "base64");
  if (expected.length !== KEY_BYTES) return false;
  const actual = await derive(password, salt, { log2N, r, p });
  return timingSafeEqual(actual, expected);
}
