import type { CaaRecord, MxRecord, SoaRecord, SrvRecord } from "node:dns";

/** MAX_ANSWER_BYTES bounds CheckResult.answer of a DNS check (UTF-8 bytes). */
export const MAX_ANSWER_BYTES = 10 * 1024;

/** formatMx writes an MX record as dig does: "10 mail.example.com". */
export function formatMx(record: MxRecord): string {
  return `${record.priority} ${record.exchange}`;
}

/**
 * formatTxt joins a TXT record's strings with nothing between them: long SPF and DKIM records
 * are split into 255-byte strings that mean one text.
 */
export function formatTxt(chunks: readonly string[]): string {
  return chunks.join("");
}

/** formatSoa writes "ns hostmaster serial refresh retry expire minttl". */
export function formatSoa(record: SoaRecord): string {
  const { nsname, hostmaster, serial, refresh, retry, expire, minttl } = record;
  return `${nsname} ${hostmaster} ${serial} ${refresh} ${retry} ${expire} ${minttl}`;
}

/**
 * formatCaa writes `0 issue "letsencrypt.org"`: flags, tag, quoted value. Node gives the tag as
 * the name of the record's one other property, whatever the tag is — besides `type: "CAA"`,
 * which Node 24 adds (Node 20 does not).
 */
export function formatCaa(record: CaaRecord): string {
  const [tag, value] = Object.entries(record).find(
    ([key]) => key !== "critical" && key !== "type",
  ) ?? ["", ""];
  const quoted = String(value).replaceAll("\\", "\\\\").replaceAll('"', '\\"');
  return `${record.critical} ${tag} "${quoted}"`;
}

/** formatSrv writes "priority weight port target". */
export function formatSrv(record: SrvRecord): string {
  return `${record.priority} ${record.weight} ${record.port} ${record.name}`;
}

const ORDER = new Intl.Collator("en", { numeric: true });

/**
 * formatRecords makes records fit to show and compare: each on one line, control characters
 * (a TXT record may hold any byte, newlines and NUL included) written as dig does, \DDD; then
 * sorted, numbers by value ("5 mx" before "10 mx"), so that two checks of the same records
 * give the same answer whatever order the server sent them in.
 */
export function formatRecords(lines: readonly string[]): string[] {
  return lines
    .map(escapeControls)
    .sort((a, b) => ORDER.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * answerText is CheckResult.answer: the records one per line, at most `maxBytes` of UTF-8.
 * Records are kept whole while they fit, and a last line says how many were left out; a
 * first record too long alone is cut (at a character).
 */
export function answerText(lines: readonly string[], maxBytes = MAX_ANSWER_BYTES): string {
  const kept: string[] = [];
  let bytes = 0;
  for (const [i, line] of lines.entries()) {
    const size = Buffer.byteLength(line) + (i === 0 ? 0 : 1);
    const left = lines.length - i - 1;
    // Room for this line, and for the note about the rest should a later one not fit.
    const reserve = left === 0 ? 0 : Buffer.byteLength(omittedNote(left)) + 1;
    if (bytes + size + reserve > maxBytes) {
      if (kept.length === 0) return cutToBytes(line, maxBytes);
      kept.push(omittedNote(lines.length - i));
      return kept.join("\n");
    }
    kept.push(line);
    bytes += size;
  }
  return kept.join("\n");
}

function omittedNote(count: number): string {
  return `… ${count} more record${count === 1 ? "" : "s"}`;
}

function cutToBytes(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text);
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  // Back off a UTF-8 continuation byte so no character is split.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end).toString();
}

function escapeControls(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are what gets escaped
  return text.replace(/[\x00-\x1f\x7f]/g, (c) => `\\${String(c.charCodeAt(0)).padStart(3, "0")}`);
}
