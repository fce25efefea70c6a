import type { LookupAddress } from "node:dns";
import net, { type LookupFunction } from "node:net";
import { CheckErrorKind } from "../../../gen/pulsar/v1/check_pb.js";
import {
  type AddressPolicy,
  type BlockedAddressError,
  judgeAddresses,
  refusalNote,
} from "../../netpolicy/address-policy.js";
import type { DnsServer } from "./dns-server.js";
import { type Failure, fail } from "./failure.js";
import { errorCode } from "./query-failure.js";

/**
 * findServerAddress finds the address to send a custom server's query to: the server's own when
 * it is an IP address, else the first its name resolves to through `lookup`. Every address is
 * judged by `policy` first (one refused address refuses the name, as for HTTP targets), so a
 * refused server is never sent a packet. Resolves with the address, or a DNS or BLOCKED
 * failure; never rejects. A lookup that never calls back leaves it pending: the check's own
 * timer bounds it.
 */
export function findServerAddress(
  server: DnsServer,
  lookup: LookupFunction,
  policy: AddressPolicy,
): Promise<string | Failure> {
  if (net.isIP(server.host) !== 0) {
    const blocked = judgeAddresses(policy, server.host, server.host);
    return Promise.resolve(blocked === undefined ? server.host : blockedFailure(blocked));
  }
  return new Promise((resolve) => {
    const done = (err: NodeJS.ErrnoException | null, found: string | LookupAddress[]) => {
      const list = typeof found === "string" ? (found === "" ? [] : [found]) : (found ?? []);
      const first = typeof list[0] === "string" ? list[0] : list[0]?.address;
      if (err !== null || first === undefined) {
        const code = errorCode(err) || "ENOTFOUND";
        resolve(
          fail(CheckErrorKind.DNS, `could not resolve the DNS server ${server.host} (${code})`),
        );
        return;
      }
      const blocked = judgeAddresses(policy, server.host, found);
      resolve(blocked === undefined ? first : blockedFailure(blocked));
    };
    try {
      lookup(server.host, { all: true }, done);
    } catch (err) {
      done(err instanceof Error ? err : new Error(String(err)), []);
    }
  });
}

/** The words name the setting that refused the server, as an HTTP check's do. */
function blockedFailure(err: BlockedAddressError): Failure {
  const via = err.hostname === err.address ? "" : `${err.hostname} resolves to ${err.address}; `;
  return fail(
    CheckErrorKind.BLOCKED,
    `blocked: DNS server ${via}${err.reason}${refusalNote(err.address)}`,
  );
}
