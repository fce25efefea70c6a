import net from "node:net";
import { hostNameError, MAX_DNS_NAME_LENGTH } from "./dns-name.js";

/** DnsServer is a DNS server to ask: an IP address (IPv6 without brackets) or host name. */
export interface DnsServer {
  readonly host: string;
  readonly port: number;
}

/** DNS_PORT is the port of a server written without one. */
export const DNS_PORT = 53;

const SHAPE = "must be an IP address or a host name with an optional :port, e.g. 1.1.1.1:53";

/**
 * parseDnsServer reads DnsSpec.server: "1.1.1.1", "1.1.1.1:5353", "::1", "[::1]:53",
 * "ns1.example.com", "ns1.example.com:5353". The port is 1–65535, 53 when left out; a host
 * name must be a valid DNS name of at most 253 characters. An error's words follow the field's
 * name ("dns.server must be …"). An empty text is an error: the caller decides what it means.
 */
export function parseDnsServer(text: string): DnsServer | { error: string } {
  if (text === "") return { error: "must not be empty" };
  // A name, a colon, five digits and brackets: anything longer is not a server.
  if (text.length > MAX_DNS_NAME_LENGTH + 10) return { error: SHAPE };
  if (text.startsWith("[")) {
    const close = text.indexOf("]");
    const host = text.slice(1, close);
    if (close < 0 || !net.isIPv6(host)) return { error: "must have an IPv6 address in brackets" };
    const rest = text.slice(close + 1);
    if (rest === "") return { host, port: DNS_PORT };
    if (!rest.startsWith(":")) return { error: SHAPE };
    return withPort(host, rest.slice(1));
  }
  if (net.isIPv6(text)) return { host: text, port: DNS_PORT };
  const colon = text.indexOf(":");
  if (colon >= 0 && text.indexOf(":", colon + 1) >= 0) {
    return { error: "must write an IPv6 address with a port as [address]:port" };
  }
  const host = colon < 0 ? text : text.slice(0, colon);
  if (!net.isIPv4(host)) {
    const error = hostNameError(host);
    if (error !== undefined) return { error: error === "must not be empty" ? SHAPE : error };
  }
  return colon < 0 ? { host, port: DNS_PORT } : withPort(host, text.slice(colon + 1));
}

function withPort(host: string, port: string): DnsServer | { error: string } {
  const value = /^\d{1,5}$/.test(port) ? Number(port) : 0;
  if (value < 1 || value > 65535) return { error: "must have a port between 1 and 65535" };
  return { host, port: value };
}

/** hostPort writes an address and port as c-ares and people read them: [v6]:port. */
export function hostPort(address: string, port: number): string {
  return net.isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`;
}
