import os from "node:os";

/** Families tells which address families this host has an address in, beyond loopback. */
export interface Families {
  readonly v4: boolean;
  readonly v6: boolean;
}

/** Interfaces change rarely (a VPN, DHCP); looking again every so often is enough. */
const RECHECK_MS = 30_000;

let cached: { at: number; families: Families } | undefined;

/**
 * configuredFamilies answers dns.ADDRCONFIG's question, as glibc does: is there an IPv4 or an
 * IPv6 address on this host that is neither loopback nor (for IPv6) link-local? A host with
 * no global IPv6 address asks DNS for no AAAA records, and so never tries to connect over
 * IPv6. Cached for 30 s: os.networkInterfaces() lists every address.
 */
export function configuredFamilies(now = Date.now()): Families {
  if (cached !== undefined && now - cached.at < RECHECK_MS) return cached.families;
  let v4 = false;
  let v6 = false;
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const info of addresses ?? []) {
      if (info.internal) continue;
      if (info.family === "IPv4") v4 = true;
      else if (!info.address.toLowerCase().startsWith("fe80:")) v6 = true;
    }
  }
  cached = { at: now, families: { v4, v6 } };
  return cached.families;
}
