import { type LookupAddress, lookup } from "node:dns";
import { isIP, type LookupFunction, type Socket } from "node:net";
import { Agent, buildConnector, fetch as undiciFetch } from "undici";
import { type AddressPolicy, BlockedAddressError, judgeAddresses } from "./address-policy.js";

/** GuardedFetchOptions are what tests change. */
export interface GuardedFetchOptions {
  /** How names are resolved; default node:dns lookup (getaddrinfo). Its answers are judged. */
  lookup?: LookupFunction;
}

/** GuardedFetch is a fetch that refuses addresses the policy refuses, and how to stop it. */
export interface GuardedFetch {
  fetch: typeof fetch;
  /** Closes the connections of requests still in flight, once they are done. */
  close(): Promise<void>;
}

// The address each guarded response came from; a response of any other fetch has none.
const connectedTo = new WeakMap<object, string>();

/**
 * connectedAddress is the IP address a response of a guarded fetch was read from (the last
 * connection its request opened, redirects included), or undefined for a response of any other
 * fetch. Who answered decides what of the answer may be repeated (see sendToChannel).
 */
export function connectedAddress(response: Response): string | undefined {
  return connectedTo.get(response);
}

/**
 * createGuardedFetch returns a fetch for requests to URLs that users typed (alert webhooks)
 * that never connects where `policy` refuses: an IP literal is judged before any socket exists,
 * a name on every address its lookup returns, and the socket's remote address when it connects,
 * before a byte is written, so a name that resolves inside later cannot pass. The refusal is a
 * rejected fetch whose cause is a BlockedAddressError naming the address and why.
 *
 * Each call has a dispatcher of its own, closed once its response has been read, so that the
 * address recorded for a response is that of its own connection (alerts are rare: a fresh
 * connection per POST costs nothing that matters).
 */
export function createGuardedFetch(
  policy: AddressPolicy,
  settings: GuardedFetchOptions = {},
): GuardedFetch {
  const resolve = settings.lookup ?? lookup;
  const guardedLookup: LookupFunction = (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, "", 0);
      // Asked with all: true, a lookup answers a list; a custom one may still answer one.
      const list: LookupAddress[] =
        typeof addresses === "string"
          ? [{ address: addresses, family: isIP(addresses) }]
          : addresses;
      const blocked = judgeAddresses(policy, hostname, list);
      if (blocked) return callback(blocked, "", 0);
      if (options.all) return (callback as unknown as AllCallback)(null, list);
      const [first] = list;
      callback(null, first?.address ?? "", first?.family ?? 4);
    });
  };
  const base = buildConnector({ lookup: guardedLookup });
  const inFlight = new Set<Promise<void>>();

  const guarded = async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
    if (isIP(host)) {
      const reason = policy(host);
      if (reason !== undefined) {
        throw new TypeError("fetch failed", { cause: new BlockedAddressError(host, host, reason) });
      }
    }
    let remoteAddress: string | undefined;
    const agent = new Agent({
      connect: (options, callback) => {
        let blocked: BlockedAddressError | undefined;
        const socket = base(options, (error, connected) => {
          // Refused at connect: buildConnector's own listener, after ours, still reports success.
          if (error === null && blocked !== undefined) callback(blocked, null);
          else if (error === null) callback(null, connected);
          else callback(error, null);
        }) as unknown as Socket; // buildConnector returns the socket; its typings say void
        socket.prependOnceListener("connect", () => {
          const address = socket.remoteAddress;
          blocked =
            address === undefined
              ? new BlockedAddressError(options.hostname, "", "no remote address")
              : judgeAddresses(policy, options.hostname, address);
          if (blocked !== undefined) socket.destroy(blocked);
          else remoteAddress = address;
        });
      },
    });
    try {
      // undici's own fetch, to hand it the dispatcher; its types differ from the DOM's.
      const response = (await undiciFetch(url, {
        ...(init as Parameters<typeof undiciFetch>[1]),
        dispatcher: agent,
      })) as unknown as Response;
      if (remoteAddress !== undefined) connectedTo.set(response, remoteAddress);
      return response;
    } finally {
      // Graceful, and only now that the request is dispatched (a closed agent takes none):
      // the connection closes once the response's body has been read or cancelled.
      const closed = agent.close().catch(() => {});
      inFlight.add(closed);
      void closed.then(() => inFlight.delete(closed));
    }
  };
  return {
    fetch: guarded as typeof fetch,
    close: async () => {
      await Promise.all(inFlight);
    },
  };
}

type AllCallback = (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void;
