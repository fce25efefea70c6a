import { isIPv4, isIPv6 } from "node:net";

/** MAX_OTHER_KEY bounds the key of something that is not an address (a proxy's odd header). */
const MAX_OTHER_KEY = 64;

/**
 * ipKey is the key per-address limits count a client under. An IPv4 address is itself, also
 * when written IPv4-mapped (`::ffff:192.0.2.1`, as a dual-stack socket reports it). An IPv6
 * address counts as its /64 (`2001:db8:1:2::/64`): a single subscriber is routinely given a
 * whole /64, so counting per address would hand one client 2^64 fresh budgets. Anything else
 * ("unknown", a malformed forwarded header) is cut short so it cannot make keys large.
 */
export function ipKey(ip: string): string {
  const address = ip.trim();
  if (isIPv4(address)) return address;
  // A zone ("fe80::1%eth0") names the local interface, not the client.
  const unzoned = address.split("%")[0] ?? "";
  if (!isIPv6(unzoned)) return address.slice(0, MAX_OTHER_KEY);
  const groups = ipv6Groups(unzoned);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [high = 0, low = 0] = groups.slice(6);
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join(".");
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(":")}::/64`;
}

/** ipv6Groups expands a valid IPv6 address (no zone) into its eight 16-bit groups. */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  // A dotted IPv4 tail ("::ffff:192.0.2.1", "64:ff9b::1.2.3.4") is the last two groups.
  const lastColon = text.lastIndexOf(":");
  const tail = text.slice(lastColon + 1);
  if (tail.includes(".")) {
    const [a = 0, b = 0, c = 0, d = 0] = tail.split(".").map(Number);
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", rest] = text.split("::");
  const parse = (part: string) =>
    part === "" ? [] : part.split(":").map((g) => Number.parseInt(g, 16));
  const first = parse(head);
  if (rest === undefined) return first;
  const last = parse(rest);
  return [...first, ...new Array<number>(8 - first.length - last.length).fill(0), ...last];
}
