import dns from "node:dns";
import type { LookupFunction } from "node:net";
import { performance } from "node:perf_hooks";
import { type AddressPolicy, judgeAddresses } from "../../netpolicy/address-policy.js";

/**
 * timedLookup returns a `lookup` for net/tls.connect that resolves with `resolve` (default:
 * node:dns `lookup`, i.e. getaddrinfo, so /etc/hosts applies as in curl and browsers) and
 * records on `marks` the instant a successful answer came back. Net calls it only for names,
 * never for IP literals, whose DNS time is therefore 0. It passes every option through, so
 * Node's happy-eyeballs (`all: true`, then racing IPv6 and IPv4) keeps working.
 *
 * With a `policy`, an answer holding a refused address fails the lookup with a
 * BlockedAddressError: net connects only to what the lookup hands it, so judging here judges
 * the very addresses dialled, not a pre-flight resolution that a rebinding name could change.
 */
export function timedLookup(
  marks: { dnsEnd: number },
  resolve: LookupFunction = dns.lookup,
  policy?: AddressPolicy,
): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, options, (err, address, family) => {
      // On failure the mark stays unset: the whole hop was DNS, and that is the phase to blame.
      if (err === null) marks.dnsEnd = performance.now();
      const blocked =
        err === null && policy !== undefined
          ? judgeAddresses(policy, hostname, address)
          : undefined;
      callback(blocked ?? err, address, family);
    });
  };
}
