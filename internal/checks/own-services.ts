import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";
import { networkInterfaces } from "node:os";
import type { AddressPolicy } from "../netpolicy/address-policy.js";

/** OwnService is one of Pulsar's own services, at the address its processes use. */
export interface OwnService {
  /** "Redis" or "Postgres": what a refusal names. */
  name: string;
  host: string;
  port: number;
}

/**
 * ownServicesOf reads where Pulsar's Redis and Postgres are (REDIS_URL, DATABASE_URL): the
 * services a stranger's TCP monitor must never write bytes to. Redis speaks plain text, so a
 * monitor sending "FLUSHALL\r\n" to it would empty every tenant's schedule; Postgres cannot be
 * spoken to without NUL bytes, which a monitor's send cannot hold, but is guarded alike.
 */
export function ownServicesOf(urls: { redisUrl: string; databaseUrl?: string }): OwnService[] {
  const services: OwnService[] = [];
  const add = (name: string, raw: string | undefined, defaultPort: number) => {
    if (raw === undefined) return;
    try {
      const url = new URL(raw);
      const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
      if (host !== "") services.push({ name, host, port: Number(url.port || defaultPort) });
    } catch {
      // A URL that does not parse was refused by the configuration already.
    }
  };
  add("Redis", urls.redisUrl, 6379);
  add("Postgres", urls.databaseUrl, 5432);
  return services;
}

/** OwnServiceGuard refuses, per port, the addresses where Pulsar's own services listen. */
export interface OwnServiceGuard {
  /** policyForPort wraps `base` with the refusal of own services on `port`; base when none. */
  policyForPort(port: number, base: AddressPolicy): AddressPolicy;
  /** refresh re-reads the services' host names and this machine's addresses. */
  refresh(): Promise<void>;
}

const LOCAL = new Set(["0.0.0.0", "::", "::1"]);

/**
 * createOwnServiceGuard: an address is one of Pulsar's services on a port when the port is the
 * service's and the address is this machine's (loopback, unspecified, any interface's: a
 * service bound to all addresses answers on each) or the service host's own addresses (Redis in
 * another container). Names are resolved at refresh, not per check.
 */
export function createOwnServiceGuard(
  services: readonly OwnService[],
  resolve: (host: string) => Promise<string[]> = async (host) =>
    (await dnsLookup(host, { all: true })).map((a) => a.address),
): OwnServiceGuard {
  let local = new Set<string>();
  const resolved = new Map<OwnService, Set<string>>();
  const refresh = async () => {
    const addresses = new Set(LOCAL);
    for (const list of Object.values(networkInterfaces()))
      for (const entry of list ?? []) addresses.add(entry.address);
    local = addresses;
    await Promise.all(
      services.map(async (service) => {
        if (isIP(service.host) !== 0) {
          resolved.set(service, new Set([service.host]));
          return;
        }
        try {
          resolved.set(service, new Set(await resolve(service.host)));
        } catch {
          // Unresolvable now: the addresses from the last refresh stay.
        }
      }),
    );
  };
  return {
    policyForPort(port, base) {
      const onPort = services.filter((service) => service.port === port);
      if (onPort.length === 0) return base;
      return (address) => {
        const bare = address.startsWith("::ffff:") ? address.slice(7) : address;
        const service = onPort.find(
          (s) => local.has(bare) || bare.startsWith("127.") || resolved.get(s)?.has(bare),
        );
        if (service)
          return `${address} port ${port} is Pulsar's own ${service.name}, which takes no bytes from monitors`;
        return base(address);
      };
    },
    refresh,
  };
}
