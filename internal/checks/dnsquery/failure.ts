import type { CheckErrorKind } from "../../../gen/pulsar/v1/check_pb.js";

/** Failure is why a DNS check is down: a kind for grouping and words for people. */
export interface Failure {
  readonly kind: CheckErrorKind;
  readonly error: string;
}

/** fail builds a {@link Failure}. */
export function fail(kind: CheckErrorKind, error: string): Failure {
  return { kind, error };
}

/** QUOTE_CHARS bounds what an error quotes of an answer or an expectation. */
export const QUOTE_CHARS = 200;

/** quote puts `text` in quotes for an error, cut to QUOTE_CHARS with an ellipsis. */
export function quote(text: string): string {
  const chars = Array.from(text);
  const cut = chars.length > QUOTE_CHARS ? `${chars.slice(0, QUOTE_CHARS).join("")}…` : text;
  return `"${cut}"`;
}
