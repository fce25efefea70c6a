/** MAX_CONDITIONS is how many conditions one monitor may have. */
export const MAX_CONDITIONS = 20;

/** MAX_CONDITION_LENGTH is how long one condition may be, in characters (code points). */
export const MAX_CONDITION_LENGTH = 500;

/** MAX_PATH_STEPS bounds a JSON path (`$.a.b[0]` has three steps), so walking one is cheap. */
export const MAX_PATH_STEPS = 32;

/**
 * CONDITION_BODY_BYTES is how much of a body conditions see: `body` is its first 1 MiB as
 * text, and `$` paths read it as JSON only when the whole body fits (a cut JSON document is
 * no JSON at all). It is the same window the keyword is searched in.
 */
export const CONDITION_BODY_BYTES = 1024 * 1024;

/** Operator is how a condition compares its operand with its value. */
export type Operator =
  | "=="
  | "!="
  | "<"
  | "<="
  | ">"
  | ">="
  | "contains"
  | "!contains"
  | "startswith"
  | "!startswith"
  | "endswith"
  | "!endswith";

/**
 * PathStep is one step of a JSON path: an object key (`.name`, `["a key"]`; `.length` is also
 * the length of an array or a string), an array index (`[0]`), or `len(…)`'s length.
 */
export type PathStep =
  | { readonly kind: "key"; readonly key: string }
  | { readonly kind: "index"; readonly index: number }
  | { readonly kind: "length" };

/** Operand is what a condition reads from the response. */
export type Operand =
  /** The final response's HTTP status. */
  | { readonly kind: "status" }
  /** The whole check, redirects included, in milliseconds. */
  | { readonly kind: "response_time" }
  /** Body bytes received, as they came on the wire. */
  | { readonly kind: "body_size" }
  /** Whole days until the certificate expires; null over plain HTTP. */
  | { readonly kind: "cert_days" }
  /** The first {@link CONDITION_BODY_BYTES} of the body, as UTF-8 text. */
  | { readonly kind: "body" }
  /** A header of the final response, `name` lower-case; null when absent. */
  | { readonly kind: "header"; readonly name: string }
  /** A JSON path into the body; `root` is how the path was spelled, for messages. */
  | { readonly kind: "json"; readonly root: "$" | "[BODY]"; readonly steps: readonly PathStep[] };

/** Literal is a condition's value: a JSON scalar. */
export type Literal = string | number | boolean | null;

/** Condition is one parsed condition: `<operand> <operator> <value>`. */
export interface Condition {
  /** The condition as written, without surrounding white space. */
  readonly source: string;
  readonly operand: Operand;
  readonly operator: Operator;
  readonly value: Literal;
  /**
   * The value as text, for `contains`, `startswith` and `endswith` on text: a string's
   * characters, a number as written (`1.50` stays `1.50`).
   */
  readonly valueText: string;
}

/**
 * ConditionFacts are what a finished HTTP check knows about its final response, as the
 * conditions read them. `headers` and `body` need only be given when some condition reads
 * them (see needsHeaders and needsBody).
 */
export interface ConditionFacts {
  readonly status: number;
  /** The whole check, redirects included, in milliseconds. */
  readonly responseTimeMs: number;
  /** Body bytes received. */
  readonly bodySize: number;
  /** Whole days until the certificate expires (negative once expired); null without TLS. */
  readonly certDays: number | null;
  /** The final response's headers, names lower-case, as undici gives them. */
  readonly headers?: Readonly<Record<string, string | string[] | undefined>>;
  /** The first {@link CONDITION_BODY_BYTES} of the body. */
  readonly body?: Uint8Array;
  /** Whether the body went on past `body`. */
  readonly bodyTruncated?: boolean;
}
