import http from "node:http";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestOrg } from "../support/accounts.js";
import { type ApiProcess, startApiProcess } from "../support/api-process.js";
import { createTestDatabase, type TestDatabase } from "../support/postgres.js";
import { uniquePrefix } from "../support/redis.js";

// A real cmd/api process under the attack: compressed bodies that inflate a
// thousandfold, from strangers (whose bodies are not even read: the request gate decides from
// the headers) and from signed-in callers (whose bodies are read up to the limit, inflated). Before the fix, three 300 KB gzip bodies took it from 92 MB to 2.27 GB
// and were answered 401 only after 12–22 s each.

const LIST_MONITORS = "/pulsar.v1.MonitorService/ListMonitors";
const MB = 1024 * 1024;
// Generous for a loaded 2-core machine, and still far below the 12 s each answer took before.
const QUICK_MS = 2000;

let db: TestDatabase;
let api: ApiProcess;
/** An API token's header: the body of an unauthenticated request is never read at all. */
let signedIn: Record<string, string>;

/** A JSON request whose string field holds `inflated` bytes of zeros, compressed. */
function bomb(inflated: number, encoding: "gzip" | "br"): Buffer {
  const json = Buffer.alloc(inflated, 0x30);
  json.write('{"pageToken":"', 0);
  json.write('"}', inflated - 2);
  return encoding === "gzip"
    ? gzipSync(json, { level: 9 })
    : brotliCompressSync(json, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } });
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  ms: number;
  /** Body bytes this client had written when the answer's headers arrived. */
  sentWhenAnswered: number;
}

/**
 * post sends `body` to the API: with its Content-Length declared (`declare`), or chunked
 * (`chunked`), or only headers that declare `declare` bytes and no body at all (`headersOnly`).
 */
function post(
  path: string,
  body: Buffer,
  options: {
    mode: "declare" | "chunked" | "headersOnly";
    declaredBytes?: number;
    headers?: Record<string, string>;
  },
): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {
      "content-type": "application/json",
      ...options.headers,
    };
    if (options.mode !== "chunked")
      headers["content-length"] = options.declaredBytes ?? body.length;
    const req = http.request(`${api.baseUrl}${path}`, { method: "POST", headers });
    let sent = 0;
    let answered = false;
    // Writing on after the answer fails (EPIPE: the server closed, as it should): only an
    // error before any answer is a failure.
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    req.on("response", (res) => {
      answered = true;
      const sentWhenAnswered = sent;
      let text = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
      res.on("end", () => {
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: text,
          ms: performance.now() - started,
          sentWhenAnswered,
        });
        // Whatever of the body was not sent is never sent.
        req.destroy();
      });
    });
    if (options.mode === "headersOnly") {
      req.flushHeaders();
      return;
    }
    // In 64 KiB pieces, as a network would deliver it.
    const write = (offset: number) => {
      if (offset >= body.length) return void req.end();
      const piece = body.subarray(offset, offset + 64 * 1024);
      sent += piece.length;
      req.write(piece, (error) => {
        if (!error) write(offset + piece.length);
      });
    };
    write(0);
  });
}

const codeOf = (answer: Answer) => (JSON.parse(answer.body) as { code?: string }).code;

beforeAll(async () => {
  db = await createTestDatabase();
  api = await startApiProcess({ databaseUrl: db.url, prefix: uniquePrefix("request-bounds") });
  signedIn = { authorization: `Bearer ${(await createTestOrg(db.pool)).apiToken}` };
}, 60_000);

afterAll(async () => {
  await api?.stop();
  await db.drop();
});

describe("a real cmd/api under compressed and oversized bodies", () => {
  it("answers three unauthenticated 300 KB gzip bombs (300 MB inflated) with resource_exhausted, quickly", async () => {
    const gzip = bomb(300 * MB, "gzip");
    expect(gzip.length).toBeGreaterThan(256 * 1024);
    for (let i = 0; i < 3; i++) {
      const answer = await post(LIST_MONITORS, gzip, {
        mode: "declare",
        headers: { "content-encoding": "gzip" },
      });
      expect(answer.status).toBe(413);
      expect(codeOf(answer)).toBe("resource_exhausted");
      expect(JSON.parse(answer.body).message).toBe(
        `request body of ${gzip.length} bytes is over the limit of 262144 bytes (PULSAR_MAX_REQUEST_BYTES)`,
      );
      expect(answer.headers.connection).toBe("close");
      expect(answer.ms).toBeLessThan(QUICK_MS);
    }
    expect(api.memory().peakRssBytes).toBeLessThan(300 * MB);
  }, 60_000);

  it("answers the same bombs sent without a declared length (chunked) unread when unauthenticated", async () => {
    const gzip = bomb(300 * MB, "gzip");
    for (let i = 0; i < 3; i++) {
      const answer = await post(LIST_MONITORS, gzip, {
        mode: "chunked",
        headers: { "content-encoding": "gzip" },
      });
      // Decided from the headers (Connect's request gate): no byte of the body was inflated.
      expect(answer.status).toBe(401);
      expect(codeOf(answer)).toBe("unauthenticated");
      expect(answer.ms).toBeLessThan(QUICK_MS);
    }
    expect(api.memory().peakRssBytes).toBeLessThan(300 * MB);
  }, 60_000);

  it("bounds the same bombs sent chunked by a signed-in caller at the limit", async () => {
    const gzip = bomb(300 * MB, "gzip");
    for (let i = 0; i < 3; i++) {
      const answer = await post(LIST_MONITORS, gzip, {
        mode: "chunked",
        headers: { "content-encoding": "gzip", ...signedIn },
      });
      // Connect's own answer (resource_exhausted is HTTP 429 in the Connect protocol).
      expect(answer.status).toBe(429);
      expect(codeOf(answer)).toBe("resource_exhausted");
      expect(JSON.parse(answer.body).message).toContain("readMaxBytes 262144");
      expect(answer.ms).toBeLessThan(QUICK_MS);
    }
    expect(api.memory().peakRssBytes).toBeLessThan(300 * MB);
  }, 60_000);

  it("bounds a body small enough to be read by its inflated size: gzip and brotli", async () => {
    // 100 KB of gzip, 100 MB inflated: under the limit as sent, a thousand times over inflated.
    const gzip = bomb(100 * MB, "gzip");
    const brotli = bomb(300 * MB, "br");
    expect(gzip.length).toBeLessThan(256 * 1024);
    expect(brotli.length).toBeLessThan(256 * 1024);
    for (const [encoding, body] of [
      ["gzip", gzip],
      ["br", brotli],
    ] as const) {
      const answer = await post(LIST_MONITORS, body, {
        mode: "declare",
        headers: { "content-encoding": encoding, ...signedIn },
      });
      expect(codeOf(answer), encoding).toBe("resource_exhausted");
      expect(JSON.parse(answer.body).message, encoding).toContain(
        "larger than configured readMaxBytes 262144 after decompression",
      );
      expect(answer.ms, encoding).toBeLessThan(QUICK_MS);
    }
    expect(api.memory().peakRssBytes).toBeLessThan(300 * MB);
  }, 60_000);

  it("answers a declared 1 GB body before a byte of it is sent, and closes the connection", async () => {
    const answer = await post(LIST_MONITORS, Buffer.alloc(0), {
      mode: "headersOnly",
      declaredBytes: 1_000_000_000,
    });
    expect(answer.status).toBe(413);
    expect(answer.sentWhenAnswered).toBe(0);
    expect(answer.headers.connection).toBe("close");
    expect(JSON.parse(answer.body)).toEqual({
      code: "resource_exhausted",
      message:
        "request body of 1000000000 bytes is over the limit of 262144 bytes (PULSAR_MAX_REQUEST_BYTES)",
    });
    expect(answer.ms).toBeLessThan(QUICK_MS);
  });

  it("refuses an oversized plain JSON body, declared or chunked", async () => {
    const big = Buffer.from(JSON.stringify({ pageToken: "x".repeat(300 * 1024) }));
    const declared = await post(LIST_MONITORS, big, { mode: "declare" });
    expect(declared.status).toBe(413);
    expect(codeOf(declared)).toBe("resource_exhausted");
    const chunked = await post(LIST_MONITORS, big, { mode: "chunked", headers: signedIn });
    expect(codeOf(chunked)).toBe("resource_exhausted");
    // Not a Connect route: the same limit, so no path reads more than it.
    const elsewhere = await post("/healthz", big, { mode: "declare" });
    expect(elsewhere.status).toBe(413);
  });

  it("still serves ordinary requests afterwards, and its memory stayed bounded", async () => {
    const small = Buffer.from("{}");
    const anonymous = await post(LIST_MONITORS, small, { mode: "declare" });
    expect(anonymous.status).toBe(401);
    expect(codeOf(anonymous)).toBe("unauthenticated");
    const listed = await post(LIST_MONITORS, gzipSync(small), {
      mode: "declare",
      headers: { "content-encoding": "gzip", ...signedIn },
    });
    expect(listed.status).toBe(200);
    expect(JSON.parse(listed.body)).toEqual({});
    expect((await fetch(`${api.baseUrl}/healthz`)).status).toBe(200);
    expect(api.memory().peakRssBytes).toBeLessThan(300 * MB);
  });
});
