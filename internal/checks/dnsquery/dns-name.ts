/** MAX_DNS_NAME_LENGTH is the longest name DNS carries, written without its trailing dot. */
export const MAX_DNS_NAME_LENGTH = 253;

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/i;
const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/**
 * dnsNameError says what is wrong with `name` as a name to query (DnsSpec.name), or undefined
 * when it is fine: 1–253 characters (a trailing dot aside), dot-separated labels of 1–63
 * letters, digits, hyphens and underscores (_dmarc, _sip._tcp), or a leading `*` label.
 * International names are written in their xn-- form. The words follow the field's name:
 * "dns.name must be …".
 */
export function dnsNameError(name: string): string | undefined {
  return nameError(name, (label, i) => LABEL.test(label) || (i === 0 && label === "*"));
}

/**
 * hostNameError is {@link dnsNameError} for the name of a host (a DNS server): letters, digits
 * and hyphens only, and not all digits in its last label, which would be a mistyped IPv4
 * address rather than a name.
 */
export function hostNameError(name: string): string | undefined {
  const error = nameError(name, (label) => HOST_LABEL.test(label));
  if (error !== undefined) return error;
  const labels = withoutTrailingDot(name).split(".");
  const last = labels[labels.length - 1] ?? "";
  return /^\d+$/.test(last) ? "must be an IP address or a host name" : undefined;
}

function nameError(
  name: string,
  validLabel: (label: string, index: number) => boolean,
): string | undefined {
  const bare = withoutTrailingDot(name);
  if (bare === "") return "must not be empty";
  if (bare.length > MAX_DNS_NAME_LENGTH) {
    return `must be at most ${MAX_DNS_NAME_LENGTH} characters`;
  }
  if (/[^\x21-\x7e]/.test(bare)) {
    return "must be plain ASCII without spaces (write an international name in its xn-- form)";
  }
  const labels = bare.split(".");
  for (const [i, label] of labels.entries()) {
    if (label.length === 0) return "must not have an empty label (two dots in a row)";
    if (label.length > 63) return "must not have a label longer than 63 characters";
    if (!validLabel(label, i)) return `has an invalid label "${label}"`;
  }
  return undefined;
}

function withoutTrailingDot(name: string): string {
  return name.endsWith(".") ? name.slice(0, -1) : name;
}
