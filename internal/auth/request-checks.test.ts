import { Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { readCredentials } from "./authenticate.js";
import { clientInfoOf } from "./client-info.js";
import { readCookie, sessionCookie } from "./cookies.js";
import { crossOriginReason } from "./same-origin.js";
import { hashSecret, newSecret, secretKind } from "./secrets.js";

const headers = (values: Record<string, string>) => (name: string) => values[name];

describe("secrets", () => {
  it("makes 256-bit secrets that name their kind, stored as SHA-256", () => {
    const a = newSecret("api");
    const b = newSecret("api");
    expect(a.secret).toMatch(/^pulsar_api_[A-Za-z0-9_-]{43}$/);
    expect(a.secret).not.toBe(b.secret);
    expect(a.hash).toHaveLength(32);
    expect(a.hash.equals(hashSecret(a.secret))).toBe(true);
    expect(a.prefix).toBe(`${a.secret.slice(0, 15)}…`);
    expect(secretKind(a.secret)).toBe("api");
    expect(secretKind(newSecret("session").secret)).toBe("session");
    expect(secretKind("pulsar_api_short")).toBeUndefined();
    expect(secretKind(`pulsar_root_${"A".repeat(43)}`)).toBeUndefined();
  });
});

describe("credentials", () => {
  it("prefers a bearer token to the cookie and treats a malformed Authorization as forged", () => {
    expect(
      readCredentials(headers({ authorization: "Bearer abc", cookie: "pulsar_session=x" })),
    ).toEqual({ kind: "bearer", secret: "abc" });
    expect(readCredentials(headers({ authorization: "Basic abc" }))).toEqual({
      kind: "bearer",
      secret: "",
    });
    expect(readCredentials(headers({ cookie: "theme=dark; pulsar_session=s1" }))).toEqual({
      kind: "session",
      secret: "s1",
    });
    expect(readCredentials(headers({ cookie: "theme=dark" }))).toEqual({ kind: "none" });
  });

  it("reads one cookie among many and builds the session cookie with its attributes", () => {
    expect(readCookie("a=1; pulsar_session=v=w; b=2", "pulsar_session")).toBe("v=w");
    expect(readCookie("xpulsar_session=1", "pulsar_session")).toBeUndefined();
    expect(sessionCookie("s", { secure: false, maxAgeMs: 60_000 })).toBe(
      "pulsar_session=s; Path=/; HttpOnly; SameSite=Lax; Max-Age=60",
    );
    expect(sessionCookie("", { secure: true, maxAgeMs: 0 })).toBe(
      "pulsar_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure",
    );
  });
});

describe("same-origin check", () => {
  it("accepts same-origin and origin-less requests and refuses other sites", () => {
    expect(
      crossOriginReason(
        headers({ host: "pulsar.example:8080", origin: "http://pulsar.example:8080" }),
      ),
    ).toBeUndefined();
    expect(crossOriginReason(headers({ host: "pulsar.example" }))).toBeUndefined();
    expect(
      crossOriginReason(headers({ host: "pulsar.example", origin: "https://evil.example" })),
    ).toBe("cross-origin request from https://evil.example refused");
    expect(crossOriginReason(headers({ host: "pulsar.example", origin: "null" }))).toBe(
      'malformed Origin "null"',
    );
    expect(
      crossOriginReason(headers({ host: "pulsar.example", "sec-fetch-site": "cross-site" })),
    ).toBe("cross-site request refused");
  });
});

describe("client info", () => {
  const request = (remote: string, values: Record<string, string>) => {
    const socket = new Socket();
    Object.defineProperty(socket, "remoteAddress", { value: remote });
    return { socket, headers: values };
  };

  it("ignores X-Forwarded-* unless the proxy is trusted, then takes the address the proxy added", () => {
    const req = request("10.0.0.1", {
      "x-forwarded-for": "1.2.3.4, 203.0.113.9",
      "x-forwarded-proto": "https",
    });
    expect(clientInfoOf(req, false)).toEqual({ ip: "10.0.0.1", secure: false });
    expect(clientInfoOf(req, true)).toEqual({ ip: "203.0.113.9", secure: true });
    expect(clientInfoOf(request("10.0.0.1", {}), true)).toEqual({ ip: "10.0.0.1", secure: false });
  });
});
