import { InvalidArgumentError } from "./errors.js";
import { isUuid } from "./ids.js";

/** requireUuid returns the id lower-cased, or throws naming the field. */
export function requireUuid(field: string, value: string): string {
  if (value === "") throw new InvalidArgumentError(field, "is required");
  if (!isUuid(value)) throw new InvalidArgumentError(field, "must be a UUID");
  return value.toLowerCase();
}

/** intInRange returns value, or fallback when it is absent, or throws naming the field. */
export function intInRange(
  field: string,
  value: number | undefined,
  min: number,
  max: number,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(field, `must be between ${min} and ${max}`);
  }
  return value;
}

/** pageSize reads a page size where 0 (the proto default) means "the default". */
export function pageSize(field: string, value: number, fallback: number, max: number): number {
  return intInRange(field, value === 0 ? undefined : value, 1, max, fallback);
}
