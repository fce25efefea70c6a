import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { scrape } from "../../../test/support/prometheus.js";
import { createMetricsRegistry } from "../../metrics/registry.js";
import {
  createMetricsHandler,
  type MetricsHandlerDeps,
  type RouteRequest,
} from "./metrics-handler.js";

const TOKEN = "metrics-handler-test-token";
const registry = createMetricsRegistry({ processMetrics: false });
const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** serve listens on `host` with a metrics handler and returns its origin. */
async function serve(deps: Omit<MetricsHandlerDeps, "registry">, host = "127.0.0.1") {
  const handler = createMetricsHandler({ registry, ...deps });
  const server = createServer((req, res) => {
    void handler(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return host.includes(":") ? `http://[${host}]:${port}` : `http://${host}:${port}`;
}

/** answer calls the handler for a request from `peer` and returns the status it wrote. */
async function answer(
  deps: Omit<MetricsHandlerDeps, "registry">,
  peer: string,
  headers: RouteRequest["headers"] = {},
): Promise<{ status: number; body: string }> {
  const written = { status: 0, body: "" };
  const handled = await createMetricsHandler({ registry, ...deps })(
    { url: "/metrics", headers, socket: { remoteAddress: peer } },
    {
      writeHead: (status) => {
        written.status = status;
      },
      end: (body) => {
        written.body = body;
      },
    },
  );
  expect(handled).toBe(true);
  return written;
}

describe("/metrics without METRICS_TOKEN", () => {
  it("answers a client on this machine over IPv4 and IPv6 loopback", async () => {
    const ok = await scrape(`${await serve({})}/metrics`);
    expect(ok.status).toBe(200);
    expect(ok.contentType).toBe(registry.contentType);
    expect((await scrape(`${await serve({}, "::1")}/metrics`)).status).toBe(200);
  });

  it("refuses a request a proxy on this machine forwarded, saying to set METRICS_TOKEN", async () => {
    const origin = await serve({});
    const forwarded: Record<string, string>[] = [
      { "x-forwarded-for": "203.0.113.7" },
      { forwarded: "for=203.0.113.7;proto=https" },
      { "x-real-ip": "203.0.113.7" },
    ];
    for (const headers of forwarded) {
      const res = await fetch(`${origin}/metrics`, { headers });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(await res.text()).toContain("set METRICS_TOKEN");
    }
  });

  it("refuses clients on other machines, and an IPv4-mapped one, but not mapped loopback", async () => {
    for (const peer of ["203.0.113.7", "10.0.0.2", "::ffff:10.0.0.2", "fd00::2", "2001:db8::1"]) {
      const { status, body } = await answer({}, peer);
      expect(status, peer).toBe(403);
      expect(body).toContain("METRICS_TOKEN");
    }
    expect((await answer({}, "::ffff:127.0.0.1")).status).toBe(200);
    expect((await answer({}, "127.0.0.53")).status).toBe(200);
  });

  it("answers anyone on a private port that is told so (a worker's METRICS_PORT)", async () => {
    expect((await answer({ withoutToken: "anyone" }, "172.18.0.5")).status).toBe(200);
  });
});

describe("/metrics with METRICS_TOKEN", () => {
  it("answers only the bearer, even on loopback, and from anywhere with it", async () => {
    const origin = await serve({ token: TOKEN });
    expect((await scrape(`${origin}/metrics`)).status).toBe(401);
    expect((await scrape(`${origin}/metrics`, TOKEN)).status).toBe(200);
    const bearer = { authorization: `Bearer ${TOKEN}` };
    expect((await answer({ token: TOKEN }, "203.0.113.7", bearer)).status).toBe(200);
    expect(
      (await answer({ token: TOKEN }, "203.0.113.7", { ...bearer, "x-forwarded-for": "x" })).status,
    ).toBe(200);
  });
});
