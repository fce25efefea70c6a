import { InvalidArgumentError } from "./errors.js";

// Text a status page shows to anyone: bounded in characters (code points, as Postgres'
// char_length counts), and free of control characters, which no reader needs and which Postgres
// refuses outright (NUL) or a page would render as garbage.

/** SINGLE_LINE_CONTROL matches any control character: titles and names are one line. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const SINGLE_LINE_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;
/** MULTI_LINE_CONTROL allows line breaks and tabs in plain-text bodies. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const MULTI_LINE_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/u;

/** TextRule says how long a text field may be and whether it may span lines. */
export interface TextRule {
  min: number;
  max: number;
  multiline?: boolean;
}

/**
 * requireText returns value trimmed of surrounding white space, or throws naming the field when
 * it is too short, too long or holds control characters. The length is checked on the UTF-16
 * length first, so a megabyte string is refused without being walked.
 */
export function requireText(field: string, value: string, rule: TextRule): string {
  if (value.length > rule.max * 2) throw tooLong(field, rule);
  const text = value.trim();
  const length = codePoints(text);
  if (length > rule.max) throw tooLong(field, rule);
  if (length < rule.min) {
    throw new InvalidArgumentError(
      field,
      rule.min === 1 ? "is required" : `must be at least ${rule.min} characters`,
    );
  }
  const control = rule.multiline ? MULTI_LINE_CONTROL : SINGLE_LINE_CONTROL;
  if (control.test(text)) {
    throw new InvalidArgumentError(
      field,
      rule.multiline
        ? "must not contain control characters (line breaks and tabs are fine)"
        : "must be one line without control characters",
    );
  }
  return text;
}

function tooLong(field: string, rule: TextRule): InvalidArgumentError {
  return new InvalidArgumentError(field, `must be at most ${rule.max} characters`);
}

/** codePoints counts the characters of text as Postgres does (a surrogate pair is one). */
function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}
