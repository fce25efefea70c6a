import dns from "node:dns";
import type { LookupFunction } from "node:net";
import net from "node:net";
import { type HostAddresses, HostsFile } from "./hosts-file.js";
import { configuredFamilies, type Families } from "./local-families.js";
import { candidateNames, NO_SEARCH, readSearchList, type SearchList } from "./search-list.js";

/** DnsLookupOptions configure the resolver of checks and webhooks. All are optional. */
export interface DnsLookupOptions {
  /**
   * DNS servers, "host[:port]" (CHECK_DNS_SERVERS through dnsServers(config)). Default: the
   * system's, from /etc/resolv.conf.
   */
  servers?: readonly string[];
  /** How long a server has to answer a query before it is sent again (c-ares doubles it). */
  timeoutMs?: number;
  /** Queries per name and server before the lookup fails with ETIMEOUT. */
  tries?: number;
  /** Names answered before DNS; default /etc/hosts, re-read when it changes. */
  hosts?: HostsFile;
  /**
   * Search domains for short names. Default: /etc/resolv.conf's with the system's servers;
   * none with `servers` (those answer absolute names, not the host's local domains).
   */
  search?: SearchList;
  /** Which families this host has addresses in beyond loopback (dns.ADDRCONFIG). */
  families?: () => Families;
}

/** DnsLookup is a `lookup` for net/tls.connect and what stops it. */
export interface DnsLookup {
  readonly lookup: LookupFunction;
  /** close cancels the queries in flight (they fail with ECANCELLED). */
  close(): void;
}

/** DEFAULT_DNS_TIMEOUT_MS: a lost query is sent again after a second… */
export const DEFAULT_DNS_TIMEOUT_MS = 1000;
/** DEFAULT_DNS_TRIES: …and a server that never answers fails the lookup after about 3 s. */
export const DEFAULT_DNS_TRIES = 2;

/**
 * RFC 8305's Resolution Delay: once one family has answered, the other gets this long before
 * the connection starts with what came back.
 */
const RESOLUTION_DELAY_MS = 50;

const LOOPBACK: HostAddresses = { v4: ["127.0.0.1"], v6: ["::1"] };

/**
 * createDnsLookup returns the name resolution of checks and of alert webhooks (names that
 * users typed, so their DNS may never answer). DNS goes through c-ares
 * (dns.Resolver): queries are UDP sockets and timers on the event loop, never libuv's thread
 * pool, so names whose servers never answer cost a socket each and cannot stall any other
 * check's lookup, as getaddrinfo's blocked threads did; each query gives up after its own
 * timeout and tries. Around it, what getaddrinfo did and c-ares' resolve*() do not:
 * - `localhost` and `*.localhost` are loopback, never asked of DNS (RFC 6761);
 * - /etc/hosts answers first (re-read when it changes);
 * - short names try resolv.conf's search domains (see candidateNames);
 * - `family` 4 or 6 asks for one family; otherwise A and AAAA are asked together, honouring
 *   dns.ADDRCONFIG (net sets it) by skipping a family this host has no address in;
 * - `all: true` (net's happy eyeballs) gets every address, IPv4 first: net then alternates
 *   families, and a host without IPv6 routes does not pay a failed attempt first.
 * Errors carry the codes the check's words map: ENOTFOUND, ETIMEOUT, ESERVFAIL, ECONNREFUSED...
 */
export function createDnsLookup(options: DnsLookupOptions = {}): DnsLookup {
  const resolver = new dns.Resolver({
    timeout: options.timeoutMs ?? DEFAULT_DNS_TIMEOUT_MS,
    tries: options.tries ?? DEFAULT_DNS_TRIES,
  });
  if (options.servers !== undefined) resolver.setServers([...options.servers]);
  const hosts = options.hosts ?? new HostsFile();
  const search = options.search ?? (options.servers === undefined ? readSearchList() : NO_SEARCH);
  const families = options.families ?? configuredFamilies;

  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    const all = lookupOptions.all === true;
    const wanted = wantedFamilies(lookupOptions, families);
    const answer = (err: NodeJS.ErrnoException | null, found?: HostAddresses) => {
      if (err !== null || found === undefined) return callback(err ?? notFound(hostname), "", 0);
      const addresses = ordered(found, wanted);
      const [first] = addresses;
      // Never an empty list: net reads the first address of one without checking.
      if (first === undefined) return callback(notFound(hostname), "", 0);
      if (all) return callback(null, addresses);
      callback(null, first.address, first.family);
    };
    const literal = net.isIP(hostname);
    if (literal !== 0) {
      const found = literal === 4 ? { v4: [hostname], v6: [] } : { v4: [], v6: [hostname] };
      return process.nextTick(answer, null, found);
    }
    const name = hostname.toLowerCase();
    if (name === "localhost" || name.endsWith(".localhost") || name === "localhost.") {
      return process.nextTick(answer, null, localhost(hosts));
    }
    const listed = hosts.find(name);
    if (listed !== undefined) return process.nextTick(answer, null, listed);
    resolveCandidates(resolver, candidateNames(name, search), wanted, answer);
  };

  return { lookup, close: () => resolver.cancel() };
}

interface Wanted {
  v4: boolean;
  v6: boolean;
  v6First: boolean;
}

function wantedFamilies(options: dns.LookupOptions, families: () => Families): Wanted {
  const family = options.family === "IPv4" ? 4 : options.family === "IPv6" ? 6 : options.family;
  // Only an explicit ipv6first puts IPv6 ahead: see createDnsLookup.
  const v6First = options.order === "ipv6first";
  if (family === 4) return { v4: true, v6: false, v6First };
  if (family === 6) return { v4: false, v6: true, v6First };
  if (((options.hints ?? 0) & dns.ADDRCONFIG) === 0) return { v4: true, v6: true, v6First };
  const local = families();
  // A host with no address beyond loopback (a test sandbox) is given both, as glibc does.
  if (!local.v4 && !local.v6) return { v4: true, v6: true, v6First };
  return { v4: local.v4, v6: local.v6, v6First };
}

function ordered(found: HostAddresses, wanted: Wanted): dns.LookupAddress[] {
  const v4 = wanted.v4 ? found.v4.map((address) => ({ address, family: 4 })) : [];
  const v6 = wanted.v6 ? found.v6.map((address) => ({ address, family: 6 })) : [];
  return wanted.v6First ? [...v6, ...v4] : [...v4, ...v6];
}

/** localhost's addresses: the hosts file's loopback ones for it, else 127.0.0.1 and ::1. */
function localhost(hosts: HostsFile): HostAddresses {
  const listed = hosts.find("localhost");
  if (listed === undefined) return LOOPBACK;
  const v4 = listed.v4.filter((a) => a.startsWith("127."));
  const v6 = listed.v6.filter((a) => a === "::1");
  return v4.length + v6.length > 0 ? { v4, v6 } : LOOPBACK;
}

/**
 * resolveCandidates asks for each candidate name in turn until one has addresses; a name that
 * does not exist moves on to the next, any other failure (a timeout) ends the lookup with it.
 */
function resolveCandidates(
  resolver: dns.Resolver,
  names: readonly string[],
  wanted: Wanted,
  done: (err: NodeJS.ErrnoException | null, found?: HostAddresses) => void,
): void {
  const next = (i: number) => {
    const name = names[i];
    if (name === undefined) return done(notFound(names[names.length - 1] ?? ""));
    resolveBoth(resolver, name, wanted, (err, found) => {
      if (err !== null && isNoSuchName(err) && i + 1 < names.length) return next(i + 1);
      done(err, found);
    });
  };
  next(0);
}

/**
 * resolveBoth asks for the wanted families at once. Once one has answered with addresses, the
 * other gets RESOLUTION_DELAY_MS more; then the answer is what came back. When neither has
 * addresses, the more telling error wins: a name that does not exist, else the first failure
 * that is not "no such record", else "not found".
 */
function resolveBoth(
  resolver: dns.Resolver,
  name: string,
  wanted: Wanted,
  done: (err: NodeJS.ErrnoException | null, found?: HostAddresses) => void,
): void {
  let v4: string[] | undefined;
  let v6: string[] | undefined;
  const errors: NodeJS.ErrnoException[] = [];
  let pending = (wanted.v4 ? 1 : 0) + (wanted.v6 ? 1 : 0);
  let finished = false;
  let delay: NodeJS.Timeout | undefined;
  const finish = () => {
    if (finished) return;
    finished = true;
    clearTimeout(delay);
    if ((v4?.length ?? 0) + (v6?.length ?? 0) > 0)
      return done(null, { v4: v4 ?? [], v6: v6 ?? [] });
    done(worstOf(errors, name));
  };
  const settle = (family: 4 | 6) => (err: NodeJS.ErrnoException | null, addresses: string[]) => {
    if (finished) return;
    if (err === null) {
      if (family === 4) v4 = addresses;
      else v6 = addresses;
    } else {
      errors.push(err);
    }
    pending -= 1;
    if (pending === 0) return finish();
    if (err === null && addresses.length > 0) delay = setTimeout(finish, RESOLUTION_DELAY_MS);
  };
  if (wanted.v4) resolver.resolve4(name, settle(4));
  if (wanted.v6) resolver.resolve6(name, settle(6));
}

const NO_SUCH_NAME = new Set(["ENOTFOUND", "ENODATA", "ENONAME"]);

function isNoSuchName(err: NodeJS.ErrnoException): boolean {
  return NO_SUCH_NAME.has(err.code ?? "");
}

function worstOf(errors: readonly NodeJS.ErrnoException[], name: string): NodeJS.ErrnoException {
  if (errors.some((e) => e.code === "ENOTFOUND")) return notFound(name);
  return errors.find((e) => !isNoSuchName(e)) ?? notFound(name);
}

/** notFound is the error of a name without addresses, shaped as dns.lookup's. */
function notFound(hostname: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
    code: "ENOTFOUND",
    syscall: "getaddrinfo",
    hostname,
  });
}
