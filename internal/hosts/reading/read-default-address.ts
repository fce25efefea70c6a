import { readFileSync } from "node:fs";
import { type NetworkInterfaceInfo, networkInterfaces } from "node:os";
import { systeminformation } from "./systeminformation.js";

// Route flags (linux/route.h): the route is up; it rejects (an "unreachable" default).
const RTF_UP = 0x1;
const RTF_REJECT = 0x200;

/** DefaultRoute is the interface a default route leaves by, and its metric (lowest wins). */
interface DefaultRoute {
  iface: string;
  metric: number;
}

const lowestMetric = (routes: DefaultRoute[]): string | undefined =>
  routes.sort((a, b) => a.metric - b.metric)[0]?.iface;

const usable = (flags: number, iface: string) =>
  (flags & RTF_UP) !== 0 && (flags & RTF_REJECT) === 0 && iface !== "lo" && iface !== "";

/**
 * parseIpv4DefaultRoute reads /proc/net/route (a header line, then "Iface Destination Gateway
 * Flags RefCnt Use Metric Mask…", addresses in hex) and answers the interface of the default
 * route (destination and mask 0) that is up, with the lowest metric; undefined when none is.
 */
export function parseIpv4DefaultRoute(text: string): string | undefined {
  const routes: DefaultRoute[] = [];
  for (const line of text.split("\n").slice(1)) {
    const [iface = "", destination, , flags = "0", , , metric = "0", mask] = line
      .trim()
      .split(/\s+/);
    if (destination !== "00000000" || mask !== "00000000") continue;
    if (!usable(Number.parseInt(flags, 16), iface)) continue;
    routes.push({ iface, metric: Number.parseInt(metric, 10) || 0 });
  }
  return lowestMetric(routes);
}

/**
 * parseIpv6DefaultRoute reads /proc/net/ipv6_route ("destination prefix-length source
 * prefix-length next-hop metric refcount use flags iface", in hex, no header) and answers the
 * interface of the default route (::/0) that is up and not a reject route, lowest metric first.
 */
export function parseIpv6DefaultRoute(text: string): string | undefined {
  const routes: DefaultRoute[] = [];
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const [destination, prefix, , , , metric = "0", , , flags = "0", iface = ""] = f;
    if (!/^0{32}$/.test(destination ?? "") || prefix !== "00") continue;
    if (!usable(Number.parseInt(flags, 16), iface)) continue;
    routes.push({ iface, metric: Number.parseInt(metric, 16) || 0 });
  }
  return lowestMetric(routes);
}

/** Interfaces is what os.networkInterfaces() answers. */
export type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

/**
 * interfaceAddress is iface's address of a family: an IPv6 one that is not link-local
 * (fe80::/10, meaningless off the link) preferred to one that is; "" when it has none.
 */
export function interfaceAddress(
  interfaces: Interfaces,
  iface: string | undefined,
  family: "IPv4" | "IPv6",
): string {
  if (iface === undefined) return "";
  const candidates = (interfaces[iface] ?? []).filter((a) => a.family === family && !a.internal);
  const global = candidates.find((a) => !/^fe[89ab]/i.test(a.address));
  return (global ?? candidates[0])?.address ?? "";
}

const readText = (path: string): string => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
};

/**
 * readDefaultAddress answers the address of the interface the default route leaves by — the
 * address the host is reached at, in most networks: IPv4 when there is an IPv4 default route,
 * else IPv6; "" when there is neither. On Linux from `${procRoot}/net/route` and
 * `${procRoot}/net/ipv6_route` (two small reads); elsewhere systeminformation names the default
 * interface. The addresses come from `interfaces` (os.networkInterfaces, one getifaddrs(3)).
 */
export async function readDefaultAddress(
  options: { procRoot?: string; interfaces?: () => Interfaces } = {},
): Promise<string> {
  const { procRoot = "/proc", interfaces = networkInterfaces } = options;
  if (process.platform === "linux" || options.procRoot !== undefined) {
    const ipv4 = parseIpv4DefaultRoute(readText(`${procRoot}/net/route`));
    const ipv6 = parseIpv6DefaultRoute(readText(`${procRoot}/net/ipv6_route`));
    if (ipv4 === undefined && ipv6 === undefined) return "";
    const all = interfaces();
    return interfaceAddress(all, ipv4, "IPv4") || interfaceAddress(all, ipv6, "IPv6");
  }
  const iface = await (await systeminformation()).networkInterfaceDefault().catch(() => "");
  const all = interfaces();
  return interfaceAddress(all, iface, "IPv4") || interfaceAddress(all, iface, "IPv6");
}
