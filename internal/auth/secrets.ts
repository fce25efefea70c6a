import { createHash, randomBytes } from "node:crypto";

/** SecretKind is what a secret opens; it is spelled into the secret so a leaked one is recognisable. */
export type SecretKind = "session" | "api" | "worker" | "agent" | "probe" | "invite";

/** NewSecret is a fresh secret, its hash for storage and a short prefix for display. */
export interface NewSecret {
  secret: string;
  hash: Buffer;
  prefix: string;
}

/**
 * newSecret makes a secret of 256 random bits, `pulsar_<kind>_<base64url>`. The kind prefix lets
 * secret scanners (and people) recognise a leaked Pulsar token.
 */
export function newSecret(kind: SecretKind): NewSecret {
  const secret = `pulsar_${kind}_${randomBytes(32).toString("base64url")}`;
  return {
    secret,
    hash: hashSecret(secret),
    prefix: `${secret.slice(0, `pulsar_${kind}_`.length + 4)}…`,
  };
}

/**
 * hashSecret is what is stored of a secret: SHA-256. A secret has 256 random bits, so no slow
 * hash is needed, and lookups by hash do not leak the secret through timing.
 */
export function hashSecret(secret: string): Buffer {
  return createHash("sha256").update(secret).digest();
}

/** secretKind reads the kind spelled into a secret; undefined for something else. */
export function secretKind(secret: string): SecretKind | undefined {
  const match = /^pulsar_(session|api|worker|agent|probe|invite)_[A-Za-z0-9_-]{43}$/.exec(secret);
  return match?.[1] as SecretKind | undefined;
}
