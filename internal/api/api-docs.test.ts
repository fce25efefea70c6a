import { mkdtemp, rm, writeFile } from "node:fs/promises";
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ApiDocs, createApiDocs } from "./api-docs.js";

// The docs handler alone, on files of its own: which requests it answers, with what, and that
// missing files answer as unknown paths until they exist.

interface Answer {
  handled: boolean;
  status?: number;
  headers?: OutgoingHttpHeaders;
  body?: Buffer;
}

async function ask(
  docs: ApiDocs,
  url: string,
  { method = "GET", headers = {} }: { method?: string; headers?: IncomingHttpHeaders } = {},
): Promise<Answer> {
  const answer: Answer = { handled: false };
  answer.handled = await docs.handle(
    { method, url, headers },
    {
      writeHead(status, outgoing) {
        answer.status = status;
        answer.headers = outgoing;
      },
      end(body) {
        // The handler's own buffer, uncopied: the sharing test compares identities.
        answer.body = typeof body === "string" ? Buffer.from(body) : body;
      },
    },
  );
  return answer;
}

let dir: string;
let files: { document: string; viewer: string };
const DOCUMENT = JSON.stringify({ openapi: "3.1.0", info: { title: "t", version: "1" } });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "api-docs-"));
  files = { document: join(dir, "openapi.json"), viewer: join(dir, "standalone.js") };
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the API docs handler", () => {
  it("serves the document, the viewer and the page, with the dashboard's security headers", async () => {
    await writeFile(files.document, DOCUMENT);
    await writeFile(files.viewer, "console.log('viewer')");
    const docs = createApiDocs(files);

    const document = await ask(docs, "/openapi.json");
    expect(document).toMatchObject({ handled: true, status: 200 });
    expect(document.headers?.["content-type"]).toBe("application/json");
    expect(String(document.body)).toBe(DOCUMENT);
    expect(document.headers?.["content-security-policy"]).toMatch(/script-src 'self'/);

    const viewer = await ask(docs, "/docs/scalar.js");
    expect(String(viewer.body)).toBe("console.log('viewer')");
    const page = await ask(docs, "/docs");
    expect(String(page.body)).toContain('data-url="/openapi.json"');
    expect(String(page.body)).toContain('<script src="/docs/scalar.js">');
    expect(String(page.body)).not.toMatch(/<script>[^<]/);
    expect(String((await ask(docs, "/docs/?x=1")).body)).toBe(String(page.body));
  });

  it("gzips for clients that accept it, and answers HEAD without a body", async () => {
    await writeFile(files.document, DOCUMENT);
    const docs = createApiDocs(files);
    const gzipped = await ask(docs, "/openapi.json", {
      headers: { "accept-encoding": "br, gzip" },
    });
    expect(gzipped.headers?.["content-encoding"]).toBe("gzip");
    expect(String(gunzipSync(gzipped.body ?? Buffer.alloc(0)))).toBe(DOCUMENT);
    const head = await ask(docs, "/openapi.json", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers?.["content-length"]).toBe(Buffer.byteLength(DOCUMENT));
    expect(head.body?.length).toBe(0);
  });

  it("leaves other methods and paths to the rest of the API", async () => {
    await writeFile(files.document, DOCUMENT);
    const docs = createApiDocs(files);
    expect((await ask(docs, "/openapi.json", { method: "POST" })).handled).toBe(false);
    for (const path of ["/", "/docs/other", "/docs/../openapi.json.bak", "/openapi.yaml"]) {
      expect((await ask(docs, path)).handled, path).toBe(false);
    }
  });

  it("answers a missing file as an unknown path, and serves it once it exists", async () => {
    const docs = createApiDocs(files);
    expect((await ask(docs, "/openapi.json")).handled).toBe(false);
    await writeFile(files.document, DOCUMENT);
    // The failed read is forgotten once it has settled; the next request reads again.
    await new Promise((resolve) => setImmediate(resolve));
    expect(String((await ask(docs, "/openapi.json")).body)).toBe(DOCUMENT);
  });

  it("reads and compresses a file once however many strangers ask at once", async () => {
    await writeFile(files.viewer, "x".repeat(1 << 20));
    const docs = createApiDocs(files);
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        ask(docs, "/docs/scalar.js", { headers: { "accept-encoding": "gzip" } }),
      ),
    );
    // One load: every answer is the very same buffer, not one read and gzip per request.
    const first = answers[0]?.body;
    expect(first?.length).toBeGreaterThan(0);
    expect(first?.length).toBeLessThan(1 << 16);
    for (const answer of answers) expect(answer.body).toBe(first);
  });
});
