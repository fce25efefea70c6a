import net, { type LookupFunction, type Socket } from "node:net";
import tls, { type SecureContext } from "node:tls";
import {
  type AddressPolicy,
  type BlockedAddressError,
  judgeAddresses,
} from "../../netpolicy/address-policy.js";
import { timedLookup } from "../http/timed-lookup.js";
import type { TcpPlan } from "./tcp-plan.js";

/** DialSettings are what a TCP check dials with besides its plan. */
export interface DialSettings {
  readonly secureContext: SecureContext;
  /** Resolves names; undefined means node:dns lookup. */
  readonly lookup: LookupFunction | undefined;
  readonly policy: AddressPolicy;
}

/**
 * dial opens the connection of one TCP check: a plain socket, or a TLS one (SNI with the host
 * when it is a name, no session resumed: a check must pay the full handshake it measures).
 * It does not judge the certificate: Node's verdict is read on secureConnect, after the
 * certificate itself, so a rejected one still reports its expiry and issuer.
 *
 * `marks.dnsEnd` is set when the name resolved (at once for an IP literal). An IP literal the
 * policy refuses gets no socket at all: its BlockedAddressError is returned instead. A name is
 * judged on every address it resolves to, in the lookup, before anything is dialled; the
 * caller judges the address actually connected to once more.
 */
export function dial(
  plan: TcpPlan,
  settings: DialSettings,
  marks: { readonly start: number; dnsEnd: number },
): Socket | BlockedAddressError {
  const literal = net.isIP(plan.host) !== 0;
  if (literal) {
    const blocked = judgeAddresses(settings.policy, plan.host, plan.host);
    if (blocked !== undefined) return blocked;
    marks.dnsEnd = marks.start;
  }
  const lookup = timedLookup(marks, settings.lookup, settings.policy);
  if (!plan.tls) return net.connect({ host: plan.host, port: plan.port, lookup });
  return tls.connect({
    host: plan.host,
    port: plan.port,
    lookup,
    servername: literal ? undefined : plan.host,
    secureContext: settings.secureContext,
    rejectUnauthorized: false,
  });
}
