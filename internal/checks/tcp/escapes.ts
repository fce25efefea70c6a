/** The escapes decodeEscapes reads, and what each stands for. */
const DECODED: Record<string, string> = { r: "\r", n: "\n", t: "\t", "\\": "\\" };

/**
 * decodeEscapes reads `\r`, `\n`, `\t` and `\\` in `text` as C does, so that a monitor's send
 * and expect can hold the CR LF that SMTP, Redis and memcached need. Any other backslash
 * sequence (and a lone trailing backslash) is left as written: a user typing `\d` or a Windows
 * path gets what they typed. The scan runs left to right, so `\\n` is a backslash then "n".
 */
export function decodeEscapes(text: string): string {
  return text.replace(/\\([rnt\\])/g, (_match, letter: string) => DECODED[letter] ?? letter);
}

/** What showText writes for the characters it escapes. */
const SHOWN: Record<string, string> = {
  "\\": "\\\\",
  '"': '\\"',
  "\r": "\\r",
  "\n": "\\n",
  "\t": "\\t",
};

/**
 * showText quotes `text` for an error message, at most `limit` characters of it (then "…"):
 * backslashes, quotes, CR, LF and tab are written as escapes, so a banner's line end reads
 * `"SSH-2.0-OpenSSH_9.6\r\n"` and the message stays on one line. Other control characters
 * are shown as U+FFFD.
 */
export function showText(text: string, limit: number): string {
  const chars = Array.from(text);
  const cut = chars.length > limit ? `${chars.slice(0, limit).join("")}…` : text;
  const escaped = cut.replace(/[\\"\r\n\t]/g, (c) => SHOWN[c] ?? c);
  return `"${escaped.replace(CONTROL_CHARACTERS, "\uFFFD")}"`;
}

/**
 * CONTROL_CHARACTERS matches what must not reach a screen, a log line or Postgres text: C0
 * controls but tab, LF and CR; DEL and the C1 controls; and the bidirectional overrides and
 * isolates, which can make a shown answer read differently from what was received.
 */
export const CONTROL_CHARACTERS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
