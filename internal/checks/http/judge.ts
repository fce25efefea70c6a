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
