import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWebAssets } from "./web-assets.js";

let root: string;
let server: Server;
let base: string;
const SCRIPT = `console.log(${JSON.stringify("x".repeat(4000))});`;

beforeAll(async () => {
  const parent = await mkdtemp(join(tmpdir(), "pulsar-web-"));
  root = join(parent, "web");
  await mkdir(join(root, "assets"), { recursive: true });
  await writeFile(join(root, "index.html"), "<!doctype html><title>Pulsar</title>");
  await writeFile(join(root, "assets", "index-abc123.js"), SCRIPT);
  await writeFile(join(parent, "secret.txt"), "not for you");
  const assets = createWebAssets(root);
  server = createServer((req, res) => {
    assets.handle(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(join(root, ".."), { recursive: true, force: true });
});

/** get sends a raw request (fetch would normalise ../ away and decode gzip by itself). */
function get(path: string, headers: Record<string, string> = {}, method = "GET") {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>(
    (resolve, reject) => {
      const req = request(`${base}${path}`, { method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
      });
      req.on("error", reject);
      req.end();
    },
  );
}

describe("web assets", () => {
  it("serves index.html uncached with a strict content security policy", async () => {
    const res = await get("/");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(res.headers["cache-control"]).toBe("no-cache");
    expect(String(res.headers["content-security-policy"])).toContain("script-src 'self'");
    expect(res.headers["x-frame-options"]).toBe("DENY");
    expect(res.body.toString()).toContain("<title>Pulsar</title>");
  });

  it("serves hashed assets as immutable, gzipped for clients that accept it", async () => {
    const res = await get("/assets/index-abc123.js", { "accept-encoding": "gzip, br" });
    expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(res.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(res.body).toString()).toBe(SCRIPT);
    expect(res.body.length).toBeLessThan(SCRIPT.length / 10);
    const plain = await get("/assets/index-abc123.js");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body.toString()).toBe(SCRIPT);
  });

  it("answers app routes with index.html, so a reload on /monitors/<id> works", async () => {
    const page = await get("/monitors/5f0c", { accept: "text/html,*/*" });
    expect(page.status).toBe(200);
    expect(page.body.toString()).toContain("<title>Pulsar</title>");
    // A missing file is a 404, not the app: a broken asset link must show as broken.
    expect((await get("/assets/missing.js", { accept: "*/*" })).status).toBe(404);
  });

  it("never serves a file outside its directory", async () => {
    for (const path of ["/../secret.txt", "/%2e%2e/secret.txt", "/assets/..%2f..%2fsecret.txt"]) {
      const res = await get(path, { accept: "text/html" });
      expect(res.body.toString(), path).not.toContain("not for you");
    }
  });

  it("answers HEAD without a body and leaves other methods alone", async () => {
    const head = await get("/", {}, "HEAD");
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect((await get("/", {}, "POST")).status).toBe(404);
    expect((await get("/%E0%A4%A", { accept: "text/html" })).status).toBe(404);
  });
});
