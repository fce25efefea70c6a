/**
 * escapeHtml makes text safe in HTML text and in quoted attribute values; the same escapes are
 * valid XML, so the Atom feed uses it too. Every string from the database goes through it.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * xmlText is escapeHtml without the characters XML 1.0 forbids outright (control characters a
 * writer may paste): a feed with one of them would not parse at all.
 */
export function xmlText(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the ones to drop.
  return escapeHtml(text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, ""));
}
