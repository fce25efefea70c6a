/** MAX_QUOTED_CHARS bounds a value shown in a message, quotes and ellipsis included. */
export const MAX_QUOTED_CHARS = 80;

/**
 * quote writes `text` as a JSON string (control characters escaped) of at most `max`
 * characters; a longer text is cut, whole characters at a time, and ends with `…"`. It reads
 * no more of `text` than it writes, so quoting a megabyte costs as little as quoting a word.
 */
export function quote(text: string, max = MAX_QUOTED_CHARS): string {
  let out = '"';
  for (const ch of text) {
    const escaped = JSON.stringify(ch).slice(1, -1);
    // Room for the closing quote, and for `…` should anything follow.
    if (out.length + escaped.length > max - 2) return `${out}…"`;
    out += escaped;
  }
  return `${out}"`;
}

/** shorten cuts `text` to at most `max` characters (UTF-16 units), ending with `…` when cut. */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  // Never leave half of a surrogate pair behind.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}
