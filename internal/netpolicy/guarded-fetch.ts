import { type LookupAddress, lookup } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { Agent, fetch as undiciFetch } from "undici";
import { type AddressPolicy, BlockedAddressError, judgeAddresses } from "./address-policy.js";

/** GuardedFetch is a fetch that refuses addresses the policy refuses, and its connection pool. */
export interface GuardedFetch {
  fetch: typeof fetch;
  close(): Promise<void>;
}

/**
 * createGuardedFetch returns a fetch for requests to URLs that users typed (alert webhooks)
 * that never connects where `policy` refuses: an IP literal is judged before any socket exists,
 * and a name on every address its lookup returns, at connect time, so a name that resolves
 * inside later cannot pass. The refusal is a rejected fetch whose cause is a
 * BlockedAddressError naming the address and why.
 */
export function createGuardedFetch(policy: AddressPolicy): GuardedFetch {
  const guardedLookup: LookupFunction = (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, "", 0);
      const blocked = judgeAddresses(policy, hostname, addresses);
      if (blocked) return callback(blocked, "", 0);
      if (options.all) return (callback as unknown as AllCallback)(null, addresses);
      const [first] = addresses;
      callback(null, first?.address ?? "", first?.family ?? 4);
    });
  };
  const agent = new Agent({ connect: { lookup: guardedLookup } });
  const guarded = async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
    if (isIP(host)) {
      const reason = policy(host);
      if (reason !== undefined) {
        throw new TypeError("fetch failed", { cause: new BlockedAddressError(host, host, reason) });
      }
    }
    // undici's own fetch, to hand it the guarded dispatcher; its types differ from the DOM's.
    return (await undiciFetch(url, {
      ...(init as Parameters<typeof undiciFetch>[1]),
      dispatcher: agent,
    })) as unknown as Response;
  };
  return { fetch: guarded as typeof fetch, close: () => agent.close() };
}

type AllCallback = (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void;
