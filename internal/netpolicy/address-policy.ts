import type { LookupAddress } from "node:dns";
import net from "node:net";

/**
 * AddressPolicy judges one IP address a check is about to connect to: words saying why it is
 * refused ("127.0.0.1 is a loopback address"), or undefined when it may be reached.
 */
export type AddressPolicy = (address: string) => string | undefined;

/**
 * BlockedAddressError is why a hop refused to connect: `hostname` (the URL's host) led to
 * `address`, which the policy refused with `reason`. Its `code` keeps it apart from network
 * errors wherever only codes are read.
 */
export class BlockedAddressError extends Error {
  override name = "BlockedAddressError";
  readonly code = "PULSAR_BLOCKED_ADDRESS";
  constructor(
    readonly hostname: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/**
 * judgeAddresses applies `policy` to every address a lookup returned (one, or a list when Node
 * asked with `all: true` for happy eyeballs) and returns the error for the first refused one.
 * One refused address refuses the whole answer: a name that mixes public and private addresses
 * is what a DNS-rebinding attempt looks like, and Node may race any of them.
 */
export function judgeAddresses(
  policy: AddressPolicy,
  hostname: string,
  addresses: string | readonly LookupAddress[],
): BlockedAddressError | undefined {
  const list = typeof addresses === "string" ? [addresses] : addresses.map((a) => a.address);
  for (const address of list) {
    const reason = policy(address);
    if (reason !== undefined) return new BlockedAddressError(hostname, address, reason);
  }
  return undefined;
}

type V4Range = readonly [base: string, bits: number, kind: string];
type V6Range = readonly [base: string, bits: number, kind: string];

const PRIVATE = "a private address";
const DOCUMENTATION = "a documentation address";

/** Most specific first: 255.255.255.255 must be named before 240/4 swallows it. */
const V4_RANGES: readonly V4Range[] = [
  ["255.255.255.255", 32, "the broadcast address"],
  ["0.0.0.0", 8, 'a "this host" address (0.0.0.0 reaches the local machine)'],
  ["10.0.0.0", 8, PRIVATE],
  ["100.64.0.0", 10, "a shared (carrier-grade NAT) address"],
  ["127.0.0.0", 8, "a loopback address"],
  ["169.254.0.0", 16, "a link-local address (cloud metadata lives there)"],
  ["172.16.0.0", 12, PRIVATE],
  ["192.0.0.0", 24, "an IETF protocol assignment address"],
  ["192.0.2.0", 24, DOCUMENTATION],
  ["192.88.99.0", 24, "a 6to4 relay anycast address"],
  ["192.168.0.0", 16, PRIVATE],
  ["198.18.0.0", 15, "a benchmarking address"],
  ["198.51.100.0", 24, DOCUMENTATION],
  ["203.0.113.0", 24, DOCUMENTATION],
  ["224.0.0.0", 4, "a multicast address"],
  ["240.0.0.0", 4, "a reserved address"],
];

const V6_RANGES: readonly V6Range[] = [
  ["::", 128, "the unspecified address"],
  ["::1", 128, "a loopback address"],
  ["fc00::", 7, "a unique local (private) address"],
  ["fe80::", 10, "a link-local address"],
  ["ff00::", 8, "a multicast address"],
  ["2001:db8::", 32, DOCUMENTATION],
];

/** IPv6 prefixes whose low bits carry an IPv4 address Node or the network will really reach. */
const V6_EMBEDDING: readonly [base: string, bits: number, form: string, shift: bigint][] = [
  ["::ffff:0:0", 96, "an IPv4-mapped form", 0n],
  ["64:ff9b::", 96, "a NAT64 form", 0n],
  ["2002::", 16, "a 6to4 address", 80n],
];

/** Only 2000::/3 is global unicast; the rest of the space is special or unassigned. */
const GLOBAL_UNICAST: V6Range = ["2000::", 3, "global unicast"];

/**
 * Rules are the ranges one policy refuses; `globalOnly` also refuses IPv6 outside 2000::/3.
 * IPv4 embedded in IPv6 (mapped, NAT64, 6to4) is judged by the IPv4 ranges.
 */
interface Rules {
  v4: readonly V4Range[];
  v6: readonly V6Range[];
  globalOnly: boolean;
}

const PRIVATE_RULES: Rules = { v4: V4_RANGES, v6: V6_RANGES, globalOnly: true };

/**
 * blockedReason says why `address` must not be reached by a public monitoring service, or
 * undefined for a globally routable one. It covers loopback, private, link-local (cloud
 * metadata at 169.254.169.254), shared, documentation, benchmarking, multicast and reserved
 * IPv4; and for IPv6 loopback, ULA, link-local, multicast, documentation, anything outside
 * 2000::/3, and the IPv4 embedded in mapped, NAT64 and 6to4 addresses. What is not an IP
 * address at all is refused too: the policy fails closed.
 */
export function blockedReason(address: string): string | undefined {
  return judge(address, PRIVATE_RULES);
}

/**
 * Addresses no check, redirect or webhook may reach whatever the settings: link-local (the
 * cloud metadata service of AWS, GCP and Azure answers at 169.254.169.254) and the other
 * clouds' metadata addresses. A self-hosted install that watches its own network still has no
 * reason to monitor these, and they hand out the machine's credentials.
 */
const ALWAYS_RULES: Rules = {
  v4: [
    ["169.254.0.0", 16, "a link-local address (cloud metadata lives there)"],
    ["100.100.100.200", 32, "a cloud metadata address (Alibaba Cloud)"],
  ],
  v6: [
    ["fd00:ec2::254", 128, "a cloud metadata address (AWS)"],
    ["fe80::", 10, "a link-local address"],
  ],
  globalOnly: false,
};

/**
 * alwaysBlockedReason says why `address` must never be reached, even by an installation that
 * lets checks reach private addresses (PULSAR_BLOCK_PRIVATE_TARGETS=false): link-local and cloud
 * metadata addresses, also in their IPv4-mapped, NAT64 and 6to4 forms. Undefined for the rest.
 * What is not an IP address at all is refused: the policy fails closed.
 */
export function alwaysBlockedReason(address: string): string | undefined {
  return judge(address, ALWAYS_RULES);
}

/** judge applies one set of rules to an address, with the words of the first that refuses it. */
function judge(address: string, rules: Rules): string | undefined {
  const bare = address.split("%")[0] ?? address; // a zone id (fe80::1%eth0) is no part of it
  const kind = net.isIP(bare);
  if (kind === 4) {
    const why = v4Kind(rules.v4, v4ToInt(bare));
    return why === undefined ? undefined : `${bare} is ${why}`;
  }
  if (kind !== 6) return `${address} is not an IP address`;
  const value = v6ToBigInt(bare);
  for (const [base, bits, why] of rules.v6) {
    if (inV6(value, base, bits)) return `${bare} is ${why}`;
  }
  for (const [base, bits, form, shift] of V6_EMBEDDING) {
    if (!inV6(value, base, bits)) continue;
    const v4 = Number((value >> shift) & 0xffff_ffffn);
    const why = v4Kind(rules.v4, v4);
    return why === undefined ? undefined : `${bare} is ${form} of ${intToV4(v4)}, ${why}`;
  }
  if (rules.globalOnly && !inV6(value, GLOBAL_UNICAST[0], GLOBAL_UNICAST[1])) {
    return `${bare} is not a global unicast address`;
  }
  return undefined;
}

/**
 * refusalNote is what an error appends to a refusal of `address` to say which rule refused
 * it: " (PULSAR_BLOCK_PRIVATE_TARGETS is on)" for an address only that setting refuses, and
 * for link-local and cloud metadata addresses, which no setting opens, that they are never
 * reached.
 */
export function refusalNote(address: string): string {
  return alwaysBlockedReason(address) === undefined
    ? " (PULSAR_BLOCK_PRIVATE_TARGETS is on)"
    : "; such addresses are never reached, whatever the settings";
}

/** policyFor is the address policy of checks and webhooks for PULSAR_BLOCK_PRIVATE_TARGETS. */
export function policyFor(blockPrivateTargets: boolean): AddressPolicy {
  return blockPrivateTargets ? blockedReason : alwaysBlockedReason;
}

function v4Kind(ranges: readonly V4Range[], value: number): string | undefined {
  for (const [base, bits, why] of ranges) {
    // Unsigned shifts: a /32 compares whole, and >>> 32 would be a no-op, so branch on it.
    const shift = 32 - bits;
    const same =
      shift === 0 ? value === v4ToInt(base) : value >>> shift === v4ToInt(base) >>> shift;
    if (same) return why;
  }
  return undefined;
}

function v4ToInt(address: string): number {
  return address.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

function intToV4(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 0xff).join(".");
}

function inV6(value: bigint, base: string, bits: number): boolean {
  const shift = BigInt(128 - bits);
  return value >> shift === v6ToBigInt(base) >> shift;
}

/** v6ToBigInt reads an address net.isIPv6 accepted: `::` shorthand and a dotted IPv4 tail. */
function v6ToBigInt(address: string): bigint {
  let text = address;
  const lastColon = text.lastIndexOf(":");
  const tail = text.slice(lastColon + 1);
  if (tail.includes(".")) {
    const v4 = v4ToInt(tail);
    text = `${text.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head = "", rest] = text.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = rest === undefined || rest === "" ? [] : rest.split(":");
  const groups = [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
  return groups.reduce((acc: bigint, group: string) => (acc << 16n) | BigInt(`0x${group}`), 0n);
}
