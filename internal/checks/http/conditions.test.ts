import { X509Certificate } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CheckErrorKind } from "../../../gen/pulsar/v1/check_pb.js";
import {
  checkTarget,
  startHttpsTarget,
  startHttpTarget,
  type TestTarget,
  tlsFixture,
} from "../../../test/support/targets.js";
import { Hop, type HopSettings } from "./hop.js";
import { MAX_CONDITIONS_ERROR_CHARS } from "./judge.js";
import { firstRequest, isFailure } from "./request.js";
import { runCheck } from "./run-check.js";
import { secureContextFor } from "./tls-info.js";

/** Routes of the JSON API under test; /redirect goes to /up. */
function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
  const json = (status: number, value: unknown) => {
    res.writeHead(status, { "content-type": "application/json", "x-version": "2.1" });
    res.end(JSON.stringify(value));
  };
  if (req.url === "/up") {
    json(200, { status: "UP", items: [{ id: 1 }, { id: 2 }], name: "ümlaut ✓" });
  } else if (req.url === "/down") {
    json(200, { status: "DOWN", items: [] });
  } else if (req.url === "/unavailable") {
    json(503, { status: "DOWN" });
  } else if (req.url === "/html") {
    res.writeHead(200, { "content-type": "text/html" });
    res.end("<!doctype html><p>Status: UP</p>");
  } else if (req.url === "/split") {
    // A JSON body in two chunks, cut inside "✓" (e2 9c 93), sent apart.
    const body = Buffer.from(JSON.stringify({ mark: "✓", status: "UP" }));
    const cut = body.indexOf(0xe2) + 1;
    res.writeHead(200, { "content-type": "application/json" });
    res.write(body.subarray(0, cut));
    setTimeout(() => res.end(body.subarray(cut)), 20);
  } else if (req.url === "/redirect") {
    res.writeHead(302, { location: "/up", "content-type": "text/plain" });
    res.end("moved");
  } else {
    res.writeHead(404).end();
  }
}

let api: http.Server;
let origin: string;
let plain: TestTarget;
let tls: TestTarget;
const ca = tlsFixture("ca.crt");

beforeAll(async () => {
  api = http.createServer(handle);
  await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  [plain, tls] = await Promise.all([startHttpTarget(), startHttpsTarget("ca-signed")]);
});

afterAll(async () => {
  api.closeAllConnections();
  await Promise.all([new Promise((resolve) => api.close(resolve)), plain.close(), tls.close()]);
});

const check = (path: string, conditions: string[], init = {}) =>
  runCheck(checkTarget(`${origin}${path}`, { conditions, ...init }));

describe("conditions on an HTTP check", () => {
  it("is up when every condition holds", async () => {
    const result = await check("/up", [
      "status == 200",
      "response_time < 60000",
      'header["Content-Type"] contains "json"',
      'header["x-version"] >= 2',
      '$.status == "UP"',
      "[BODY].status == UP",
      "$.items.length > 0",
      "$.items[1].id == 2",
      '$.name endswith "✓"',
      "body_size > 10",
      "cert_days == null",
    ]);
    expect(result.up, result.error).toBe(true);
    expect(result.errorKind).toBe(CheckErrorKind.UNSPECIFIED);
    expect(result.error).toBe("");
  });

  it("is down with CONDITION, naming each condition that failed and what it got", async () => {
    const result = await check("/down", [
      '$.status == "UP"',
      "status == 200",
      "$.items.length > 0",
      "response_time < 0",
      'header["x-missing"] != null',
    ]);
    expect(result.up).toBe(false);
    expect(result.errorKind).toBe(CheckErrorKind.CONDITION);
    expect(result.error).toMatch(
      /^conditions failed: \$\.status == "UP" \(got "DOWN"\); \$\.items\.length > 0 \(got 0\); response_time < 0 \(got \d+\.\d ms\); header\["x-missing"\] != null \(no x-missing header\)$/,
    );
    expect(result.statusCode).toBe(200);
  });

  it("fails a JSON condition on a body that is not JSON, while body conditions still read it", async () => {
    const result = await check("/html", ['body contains "Status: UP"', '$.status == "UP"']);
    expect(result.errorKind).toBe(CheckErrorKind.CONDITION);
    expect(result.error).toBe(
      'conditions failed: $.status == "UP" (the body is not JSON: it begins "<!doctype html><p>Status: UP</p>")',
    );
  });

  it("reads a body that arrived in pieces, a character cut between them", async () => {
    const result = await check("/split", ['$.mark == "✓"', '$.status == "UP"']);
    expect(result.up, result.error).toBe(true);
  });

  it("reads the first MiB of a larger body as text but not as JSON", async () => {
    const bytes = 2 * 1024 * 1024;
    const target = checkTarget(`${plain.url}/large?bytes=${bytes}&keyword=needle&at=1000`, {
      conditions: ['body contains "needle"', `body_size == ${bytes}`, "$.a == 1"],
    });
    const result = await runCheck(target);
    expect(result.errorKind).toBe(CheckErrorKind.CONDITION);
    expect(result.error).toBe(
      "conditions failed: $.a == 1 (the body is over 1 MiB, too long to read as JSON)",
    );
    expect(result.responseBytes).toBe(BigInt(bytes));
  });

  it("judges the final response after redirects", async () => {
    const result = await check(
      "/redirect",
      ["status == 200", 'header["location"] == null', '$.status == "UP"'],
      { followRedirects: true },
    );
    expect(result.up, result.error).toBe(true);
    expect(result.redirectCount).toBe(1);
  });

  it("keeps a status failure as the failure, whatever the conditions", async () => {
    const result = await check("/unavailable", ['$.status == "UP"']);
    expect(result.errorKind).toBe(CheckErrorKind.STATUS);
    expect(result.error).toBe("unexpected status 503 (expected 200-399)");
  });

  it("keeps a keyword failure as the failure, whatever the conditions", async () => {
    const result = await check("/down", ['$.status == "UP"'], { keyword: "UP" });
    expect(result.errorKind).toBe(CheckErrorKind.KEYWORD);
    expect(result.error).toContain('keyword "UP" not found');
  });

  it("evaluates conditions once status and keyword pass", async () => {
    const result = await check("/down", ['$.status == "UP"'], { keyword: "DOWN" });
    expect(result.errorKind).toBe(CheckErrorKind.CONDITION);
  });

  it("fails with CONDITION and the parse error when a stored condition does not parse", async () => {
    const result = await check("/up", ["status == 200", "status = 200"]);
    expect(result.up).toBe(false);
    expect(result.errorKind).toBe(CheckErrorKind.CONDITION);
    expect(result.error).toBe(
      'conditions[1] does not parse: "=" is not an operator; write == at position 7',
    );
    // A failing status still comes first.
    const unavailable = await check("/unavailable", ["status = 200"]);
    expect(unavailable.errorKind).toBe(CheckErrorKind.STATUS);
  });

  it("bounds the error of many failing conditions", async () => {
    const long = `$.status == "${"x".repeat(400)}"`;
    const result = await check(
      "/down",
      Array.from({ length: 20 }, () => long),
    );
    expect(result.errorKind).toBe(CheckErrorKind.CONDITION);
    expect(result.error.length).toBeLessThanOrEqual(MAX_CONDITIONS_ERROR_CHARS);
    expect(result.error.endsWith("…")).toBe(true);
  });
});

describe("cert_days", () => {
  /** Whole days the fixture certificate has left now. */
  const daysLeft = () => {
    const cert = new X509Certificate(tlsFixture("leaf.crt"));
    return Math.floor((Date.parse(cert.validTo) - Date.now()) / 86_400_000);
  };

  it("is the whole days until the certificate expires over HTTPS", async () => {
    const before = daysLeft();
    const result = await runCheck(
      checkTarget(`${tls.url}/ok`, { conditions: ["cert_days > 14", "cert_days < 14"] }),
      { ca },
    );
    const after = daysLeft();
    expect(result.errorKind).toBe(CheckErrorKind.CONDITION);
    const got = /^conditions failed: cert_days < 14 \(got (\d+)\)$/.exec(result.error);
    expect(got, result.error).not.toBeNull();
    expect([before, after]).toContain(Number(got?.[1]));
  });

  it("is null over plain HTTP", async () => {
    const result = await check("/up", ["cert_days > 14"]);
    expect(result.error).toBe("conditions failed: cert_days > 14 (no certificate: plain HTTP)");
  });
});

describe("what a hop keeps", () => {
  const hopTo = (path: string, keep: boolean): Promise<Hop> => {
    const request = firstRequest(checkTarget(`${origin}${path}`));
    if (isFailure(request)) throw new Error(request.error);
    const settings: HopSettings = {
      secureContext: secureContextFor(),
      lookup: undefined,
      ignoreTlsErrors: false,
      followRedirects: false,
      keyword: undefined,
      addressPolicy: undefined,
      keepHeaders: keep,
      keepBody: keep,
    };
    return new Promise((resolve) => {
      new Hop(request, settings, performance.now(), (hop) => {
        hop.close();
        resolve(hop);
      }).send();
    });
  };

  it("keeps neither headers nor body bytes unless a condition reads them", async () => {
    const bare = await hopTo("/up", false);
    expect(bare.error).toBeUndefined();
    expect(bare.bytes).toBeGreaterThan(0);
    expect(bare.headers).toBeUndefined();
    expect(bare.body).toBeUndefined();
    const kept = await hopTo("/up", true);
    expect(kept.headers?.["x-version"]).toBe("2.1");
    expect(JSON.parse(kept.body?.bytes().toString() ?? "").status).toBe("UP");
  });
});
