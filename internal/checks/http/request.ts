import type { CheckTarget } from "../../../gen/pulsar/v1/check_pb.js";
import { CheckErrorKind } from "../../../gen/pulsar/v1/check_pb.js";
import { type Failure, fail } from "./errors.js";

/**
 * USER_AGENT identifies Pulsar to the sites it checks when the check is run without a region
 * (tests, benchmarks); a worker's checks send userAgentOf's.
 */
export const USER_AGENT = "Pulsar (uptime check)";

/**
 * userAgentOf is the User-Agent of a worker's checks, unless a monitor sets its own: it names
 * the region, so that a target (or a test) can tell regions apart.
 */
export function userAgentOf(version: string, region: string): string {
  return `Pulsar/${version} (+region ${region})`;
}

/** MAX_REDIRECTS is how many redirects a check follows before it gives up. */
export const MAX_REDIRECTS = 10;

/** HopRequest is what one hop sends. `headers` is flat `[name, value, …]`, names lowercase. */
export interface HopRequest {
  readonly url: URL;
  readonly method: string;
  readonly headers: string[];
  readonly body: string | undefined;
}

/**
 * firstRequest builds the request of the first hop, or a failure for a URL a check cannot
 * fetch. It adds `userAgent` and `accept: *\/*` (as curl does) unless the target sets them.
 */
export function firstRequest(
  target: CheckTarget,
  userAgent: string = USER_AGENT,
): HopRequest | Failure {
  const url = URL.parse(target.url);
  if (url === null)
    return fail(CheckErrorKind.UNSPECIFIED, `invalid URL ${JSON.stringify(target.url)}`);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return fail(
      CheckErrorKind.UNSPECIFIED,
      `unsupported URL scheme ${url.protocol} (use http or https)`,
    );
  }
  const headers: string[] = [];
  let ownUserAgent = false;
  let accept = false;
  for (const name in target.headers) {
    const lower = name.toLowerCase();
    if (lower === "user-agent") ownUserAgent = true;
    else if (lower === "accept") accept = true;
    headers.push(lower, target.headers[name] ?? "");
  }
  if (!ownUserAgent) headers.push("user-agent", userAgent);
  if (!accept) headers.push("accept", "*/*");
  const method = target.method === "" ? "GET" : target.method.toUpperCase();
  return { url, method, headers, body: target.body };
}

/** isRedirect tells whether a status asks the client to go to its Location. */
export function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** Headers a browser drops when a redirect leaves the origin, so secrets stay with it. */
const CREDENTIAL_HEADERS = new Set(["authorization", "cookie", "proxy-authorization"]);
/** Headers that describe a body, dropped when a redirect turns the request into a GET. */
const BODY_HEADERS = new Set([
  "content-type",
  "content-length",
  "content-encoding",
  "content-language",
]);

/**
 * redirectRequest builds the next hop after a `status` redirect to `location`, as browsers
 * do: Location resolves against the current URL; 303 becomes GET (HEAD stays HEAD), and so
 * do 301/302 after a POST; 307/308 keep method and body; credentials stay on their origin.
 */
export function redirectRequest(
  prev: HopRequest,
  status: number,
  location: string,
): HopRequest | Failure {
  const url = URL.parse(location, prev.url.href);
  if (url === null) {
    return fail(
      CheckErrorKind.REDIRECT,
      `redirect to an invalid location ${JSON.stringify(location)}`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return fail(CheckErrorKind.REDIRECT, `redirect to unsupported URL scheme ${url.protocol}`);
  }
  const toGet =
    (status === 303 && prev.method !== "HEAD") ||
    ((status === 301 || status === 302) && prev.method === "POST");
  const crossOrigin = url.origin !== prev.url.origin;
  if (!toGet && !crossOrigin) return { ...prev, url };
  const headers: string[] = [];
  for (let i = 0; i < prev.headers.length; i += 2) {
    const name = prev.headers[i] as string; // even indexes are names (see HopRequest)
    if (toGet && BODY_HEADERS.has(name)) continue;
    if (crossOrigin && CREDENTIAL_HEADERS.has(name)) continue;
    headers.push(name, prev.headers[i + 1] as string);
  }
  return toGet ? { url, method: "GET", headers, body: undefined } : { ...prev, url, headers };
}

/** isFailure tells a {@link Failure} from a {@link HopRequest}. */
export function isFailure(value: HopRequest | Failure): value is Failure {
  return "kind" in value;
}
