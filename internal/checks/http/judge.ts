import { create } from "@bufbuild/protobuf";
import {
  CheckErrorKind,
  type StatusRange,
  StatusRangeSchema,
} from "../../../gen/pulsar/v1/check_pb.js";
import { KEYWORD_WINDOW_BYTES } from "./body.js";
import { type Failure, fail } from "./errors.js";

/** DEFAULT_EXPECTED_STATUS applies when a target lists no ranges: any success or redirect. */
export const DEFAULT_EXPECTED_STATUS: readonly StatusRange[] = [
  create(StatusRangeSchema, { min: 200, max: 399 }),
];

/** judgeStatus returns a failure unless `status` falls in one of the inclusive ranges. */
export function judgeStatus(status: number, ranges: readonly StatusRange[]): Failure | undefined {
  const expected = ranges.length > 0 ? ranges : DEFAULT_EXPECTED_STATUS;
  for (const range of expected) {
    if (status >= range.min && status <= range.max) return undefined;
  }
  const words = expected.map((r) => (r.min === r.max ? `${r.min}` : `${r.min}-${r.max}`));
  return fail(CheckErrorKind.STATUS, `unexpected status ${status} (expected ${words.join(", ")})`);
}

const WINDOW_WORDS = `the first ${KEYWORD_WINDOW_BYTES / (1024 * 1024)} MiB of the body`;

/**
 * judgeKeyword returns a failure when the keyword is missing (or, inverted, present) in the
 * searched window of the body.
 */
export function judgeKeyword(
  keyword: string,
  invert: boolean,
  found: boolean,
): Failure | undefined {
  if (found === !invert) return undefined;
  const quoted = JSON.stringify(keyword);
  return invert
    ? fail(CheckErrorKind.KEYWORD, `keyword ${quoted} found in ${WINDOW_WORDS} (expected absent)`)
    : fail(CheckErrorKind.KEYWORD, `keyword ${quoted} not found in ${WINDOW_WORDS}`);
}

/** MAX_CONDITIONS_ERROR_CHARS bounds the error of a check whose conditions did not hold. */
export const MAX_CONDITIONS_ERROR_CHARS = 1000;

/**
 * judgeConditions returns a failure naming each condition that did not hold (`failures`, from
 * evaluateConditions), cut to {@link MAX_CONDITIONS_ERROR_CHARS}; undefined when all held.
 */
export function judgeConditions(failures: readonly string[]): Failure | undefined {
  if (failures.length === 0) return undefined;
  let words = `conditions failed: ${failures.join("; ")}`;
  if (words.length > MAX_CONDITIONS_ERROR_CHARS) {
    let end = MAX_CONDITIONS_ERROR_CHARS - 1;
    const last = words.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff) end -= 1; // never half of a surrogate pair
    words = `${words.slice(0, end)}…`;
  }
  return fail(CheckErrorKind.CONDITION, words);
}
