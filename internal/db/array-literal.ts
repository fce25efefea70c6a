/**
 * Postgres array literals for the columns a batch statement unnests, built here rather than by
 * pg: pg serializes a JS array parameter element by element (each through prepareValue, quoted,
 * two regular expressions), ~2.5 % of a worker's CPU for the 24 columns of a batch of check
 * results (bench/stack/worker-profile.ts); joined here, ~5× less. The statement takes such a
 * parameter as text and casts it: `:dnsMs!::text::float8[]`.
 */

/** A character that must be escaped inside a quoted element. */
const NEEDS_ESCAPE = /["\\]/;
const ESCAPED = /["\\]/g;

/**
 * numbersLiteral is `{1,2.5,...}` for an integer or float8 array. NaN and ±Infinity come out
 * as Postgres spells them; an integer column refuses them, as it refused pg's quoted ones.
 */
export function numbersLiteral(values: readonly number[]): string {
  return `{${values.join(",")}}`;
}

/** booleansLiteral is `{true,false,...}` for a boolean array. */
export function booleansLiteral(values: readonly boolean[]): string {
  return `{${values.join(",")}}`;
}

/**
 * textsLiteral is `{"a","b\"c",...}` for an array of text, or of anything Postgres reads from
 * text (uuid, timestamptz, bigint): every element quoted, so that a comma, a brace, a space or
 * the word NULL in one is data, and '' an empty string.
 */
export function textsLiteral(values: readonly string[]): string {
  let literal = "{";
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as string;
    if (i > 0) literal += ",";
    literal += NEEDS_ESCAPE.test(value) ? `"${value.replace(ESCAPED, "\\$&")}"` : `"${value}"`;
  }
  return `${literal}}`;
}
