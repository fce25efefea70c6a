import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { isIP } from "node:net";
import { type NetworkInterfaceInfo, networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Interfaces,
  interfaceAddress,
  parseIpv4DefaultRoute,
  parseIpv6DefaultRoute,
  readDefaultAddress,
} from "./read-default-address.js";

const ROUTE_HEADER =
  "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT";

const address = (family: "IPv4" | "IPv6", addr: string, internal = false): NetworkInterfaceInfo =>
  ({
    address: addr,
    netmask: "",
    family,
    mac: "00:00:00:00:00:00",
    internal,
    cidr: null,
    ...(family === "IPv6" ? { scopeid: 0 } : {}),
  }) as NetworkInterfaceInfo;

const INTERFACES: Interfaces = {
  lo: [address("IPv4", "127.0.0.1", true), address("IPv6", "::1", true)],
  eth0: [
    address("IPv6", "fe80::1"),
    address("IPv4", "192.0.2.10"),
    address("IPv6", "2001:db8::10"),
  ],
  wlan0: [address("IPv4", "198.51.100.7")],
  tun0: [address("IPv6", "fe80::9"), address("IPv6", "2001:db8:1::5")],
};

describe("parseIpv4DefaultRoute", () => {
  it("answers the interface of the up default route with the lowest metric", () => {
    const text = [
      ROUTE_HEADER,
      "wlan0\t00000000\t0102A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0",
      "eth0\t00000000\t010200C0\t0003\t0\t0\t100\t00000000\t0\t0\t0",
      "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0",
      // Down (no RTF_UP), and a reject route: neither counts.
      "docker0\t00000000\t00000000\t0000\t0\t0\t0\t00000000\t0\t0\t0",
      "tun0\t00000000\t00000000\t0201\t0\t0\t0\t00000000\t0\t0\t0",
    ].join("\n");
    expect(parseIpv4DefaultRoute(text)).toBe("eth0");
    expect(parseIpv4DefaultRoute(`${ROUTE_HEADER}\n`)).toBeUndefined();
    expect(parseIpv4DefaultRoute("")).toBeUndefined();
  });
});

describe("parseIpv6DefaultRoute", () => {
  it("answers the interface of ::/0 that is up, leaving out lo's unreachable routes", () => {
    const zero = "0".repeat(32);
    const text = [
      `fd000000000000000000000000000000 40 ${zero} 00 ${zero} 00000100 00000001 00000000 00000001     eth0`,
      `${zero} 00 ${zero} 00 ${zero} ffffffff 00000001 00000000 00200200       lo`,
      `${zero} 00 ${zero} 00 fd000000000000000000000000000001 00000400 00000002 00000000 00000003     tun0`,
    ].join("\n");
    expect(parseIpv6DefaultRoute(text)).toBe("tun0");
    expect(parseIpv6DefaultRoute("")).toBeUndefined();
  });
});

describe("interfaceAddress", () => {
  it("prefers an address that is not link-local, and answers '' for no interface", () => {
    expect(interfaceAddress(INTERFACES, "eth0", "IPv6")).toBe("2001:db8::10");
    expect(interfaceAddress(INTERFACES, "eth0", "IPv4")).toBe("192.0.2.10");
    expect(interfaceAddress(INTERFACES, "wlan0", "IPv6")).toBe("");
    expect(interfaceAddress(INTERFACES, "missing", "IPv4")).toBe("");
    expect(interfaceAddress(INTERFACES, undefined, "IPv4")).toBe("");
  });
});

describe("readDefaultAddress on a fixture /proc", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "pulsar-route-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const procWith = async (name: string, route: string, ipv6Route: string) => {
    const procRoot = join(dir, name);
    await mkdir(join(procRoot, "net"), { recursive: true });
    await writeFile(join(procRoot, "net", "route"), route);
    await writeFile(join(procRoot, "net", "ipv6_route"), ipv6Route);
    return procRoot;
  };
  const zero = "0".repeat(32);
  const ipv6Default = `${zero} 00 ${zero} 00 ${zero} 00000400 00000002 00000000 00000003     tun0\n`;

  it("answers IPv4 when there is an IPv4 default route, else IPv6, else ''", async () => {
    const both = await procWith(
      "both",
      `${ROUTE_HEADER}\nwlan0\t00000000\t0102A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0\n`,
      ipv6Default,
    );
    const v6 = await procWith("v6", `${ROUTE_HEADER}\n`, ipv6Default);
    const none = await procWith("none", `${ROUTE_HEADER}\n`, "");
    const interfaces = () => INTERFACES;
    expect(await readDefaultAddress({ procRoot: both, interfaces })).toBe("198.51.100.7");
    expect(await readDefaultAddress({ procRoot: v6, interfaces })).toBe("2001:db8:1::5");
    expect(await readDefaultAddress({ procRoot: none, interfaces })).toBe("");
  });
});

describe.runIf(process.platform === "linux")("readDefaultAddress on this machine", () => {
  it("answers an address of one of this machine's interfaces, or '' without a default route", async () => {
    const found = await readDefaultAddress();
    if (found === "") {
      // Only when the machine has no default route at all (or none with an address).
      const routes = await readFile("/proc/net/route", "utf8");
      const ipv6Routes = await readFile("/proc/net/ipv6_route", "utf8").catch(() => "");
      const iface = parseIpv4DefaultRoute(routes) ?? parseIpv6DefaultRoute(ipv6Routes);
      expect(
        iface === undefined || interfaceAddress(networkInterfaces(), iface, "IPv4") === "",
      ).toBe(true);
      return;
    }
    expect(isIP(found)).not.toBe(0);
    const all = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
    expect(all.map((a) => a.address)).toContain(found);
  });
});
