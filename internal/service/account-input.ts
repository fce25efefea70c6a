import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "../auth/password.js";
import { InvalidArgumentError } from "../core/errors.js";

// Deliberately loose (one @, a dot in the domain, no spaces): the only real check of an email
// address is mail reaching it; this catches typos and pasted junk.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** requireEmail returns the trimmed address, or throws naming the field. */
export function requireEmail(field: string, value: string): string {
  const email = value.trim();
  if (email === "") throw new InvalidArgumentError(field, "is required");
  if (email.length > 254 || !EMAIL.test(email)) {
    throw new InvalidArgumentError(field, "must be an email address");
  }
  return email;
}

/** requireNewPassword checks a password being set, or throws naming the field. */
export function requireNewPassword(field: string, value: string): string {
  if (value.length < MIN_PASSWORD_LENGTH) {
    throw new InvalidArgumentError(field, `must be at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (value.length > MAX_PASSWORD_LENGTH) {
    throw new InvalidArgumentError(field, `must be at most ${MAX_PASSWORD_LENGTH} characters`);
  }
  return value;
}

/** requireText returns trimmed text of 1..max characters, or throws naming the field. */
export function requireText(field: string, value: string, max: number): string {
  const text = value.trim();
  if (text === "") throw new InvalidArgumentError(field, "is required");
  if (text.length > max) throw new InvalidArgumentError(field, `must be at most ${max} characters`);
  return text;
}
