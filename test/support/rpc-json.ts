// Talking to the API the way a browser or curl does: Connect's JSON form over fetch. Not
// imported by production code.
import { randomBytes } from "node:crypto";

/** JsonAnswer is an RPC's answer as a test looks at it. */
export interface JsonAnswer {
  status: number;
  body: Record<string, unknown>;
  setCookie: string | null;
  headers: Headers;
}

/**
 * postRpc posts body as Connect JSON to `rpc` ("AuthService/SignIn") of the API at baseUrl,
 * with headers (a cookie, an origin, X-Forwarded-For...).
 */
export async function postRpc(
  baseUrl: string,
  rpc: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<JsonAnswer> {
  const res = await fetch(`${baseUrl}/pulsar.v1.${rpc}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown>,
    setCookie: res.headers.get("set-cookie"),
    headers: res.headers,
  };
}

/** cookieOf turns a Set-Cookie answer into the Cookie header a browser would send back. */
export function cookieOf(answer: JsonAnswer): string {
  const value = answer.setCookie?.split(";")[0];
  if (!value) {
    throw new Error(`no cookie set (status ${answer.status}: ${JSON.stringify(answer.body)})`);
  }
  return value;
}

/** clientIp is a new client address for X-Forwarded-For: per-address limits start afresh. */
export const clientIp = (): string => `10.${randomBytes(3).join(".")}`;

/** uniqueEmail is an address no account has yet. */
export const uniqueEmail = (): string => `user-${randomBytes(4).toString("hex")}@example.test`;
