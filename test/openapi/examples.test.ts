import { readFile } from "node:fs/promises";
import { codeFromString, codeToHttpStatus } from "@connectrpc/connect/protocol-connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as accounts from "../../internal/accounts/accounts.js";
import { newSecret } from "../../internal/auth/secrets.js";
import { createTestOrg } from "../support/accounts.js";
import { type OpenApi, schemaErrors } from "../support/openapi-schema.js";
import { type ProbeTestApi, startProbeTestApi } from "../support/probe-api.js";

// Every request example of the OpenAPI document, sent as the document says (its path, its
// credentials) to the real API, answers as the document says: 200 with a body of the response
// schema, or a Connect error whose status is its code's.

const doc = JSON.parse(await readFile("gen/openapi/openapi.json", "utf8")) as OpenApi;

/** The id the examples use for a thing that a first call cannot know: never an existing one. */
const PLACEHOLDER_ID = "00000000-0000-4000-8000-000000000000";

/**
 * Examples that fail on their own terms on a fresh API: they name things that do not exist (the
 * placeholder id, the sample host "web-1") or a time that has passed (PushSamples' sample is
 * older than the 24 hours the API accepts).
 */
const REFUSED = new Set([
  "pulsar.v1.HostService/GetHostHistory",
  "pulsar.v1.HostService/UpdateHost",
  "pulsar.v1.HostService/DeleteHost",
  "pulsar.v1.IngestService/PushSamples",
  // Its result's checkedAt has passed the 24 hours the API accepts (and its monitor is the
  // placeholder).
  "pulsar.v1.ProbeCheckService/ReportResults",
]);

let t: ProbeTestApi;
/** The API under test: it serves every service, the probes' included. */
let api: { baseUrl: string };
/** The organization's tokens, and the session cookie the SignUp example's answer sets. */
let credentials: { apiToken: string; agentToken: string; probeToken: string; session?: string };

beforeAll(async () => {
  t = await startProbeTestApi("openapi-examples", {
    // IngestService is served only with a sink; this one stores nothing (no example reaches it).
    ingest: { sink: { push: async () => ({ createdHostIds: [] }) } },
  });
  api = { baseUrl: t.baseUrl };
  const org = await createTestOrg(t.api.db.pool);
  // A probe token of the region the examples name, stored as CreateProbeToken stores it (not
  // through the API: that would settle who the operator is before the SignUp example).
  const secret = newSecret("probe");
  await accounts.insertApiToken(t.api.db.pool, {
    orgId: org.orgId,
    createdBy: undefined,
    name: "examples",
    scope: "probe",
    tokenHash: secret.hash,
    prefix: secret.prefix,
    region: "eu-central",
  });
  await t.regions.refresh();
  const probeToken = secret.secret;
  // The SignUp example's organization is to be the operator one (the oldest): its admin's
  // session may then call SystemService, whose figures only the operator's admins may see.
  // The organizations made so far (the probe-token maker's, this one) are made newer still.
  await t.api.db.pool.query("UPDATE organizations SET created_at = now() + interval '1 day'");
  credentials = { apiToken: org.apiToken, agentToken: await org.token("agent"), probeToken };
});

afterAll(async () => {
  await t?.close();
});

/**
 * The headers of an operation's first security requirement: a bearer token, or the session
 * cookie with the Origin a browser sends (cookie calls are checked against cross-site forgery).
 */
function credentialHeaders(security: Record<string, string[]>[]): Record<string, string> {
  switch (Object.keys(security[0] ?? {})[0]) {
    case undefined:
      return {};
    case "session":
      return { cookie: credentials.session ?? "", origin: api.baseUrl };
    case "agentToken":
      return { authorization: `Bearer ${credentials.agentToken}` };
    case "probeToken":
      return { authorization: `Bearer ${credentials.probeToken}` };
    default:
      return { authorization: `Bearer ${credentials.apiToken}` };
  }
}

async function send(path: string, body: unknown, headers: Record<string, string>) {
  const res = await fetch(`${api.baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { res, answer: (await res.json()) as Record<string, unknown> };
}

describe("the OpenAPI document's examples against a real API", () => {
  it("answer 200 with the documented body, or a Connect error with its code's status", async () => {
    const outcomes: string[] = [];
    // SignUp first: it makes the account SignIn signs in to and sets the session cookie that
    // the session-only RPCs use. The rest in the document's order (a stable sort).
    const rank = (path: string) =>
      path.endsWith("/SignUp") ? 0 : path.endsWith("/SignIn") ? 1 : 2;
    const paths = Object.entries(doc.paths).sort(([a], [b]) => rank(a) - rank(b));
    for (const [path, { post }] of paths) {
      const body = post.requestBody.content["application/json"].example;
      const { res, answer } = await send(path, body, credentialHeaders(post.security));
      const cookie = res.headers.get("set-cookie")?.split(";")[0];
      if (path === "/pulsar.v1.AuthService/SignUp" && cookie) credentials.session = cookie;
      const rpc = path.slice(1);
      if (res.status === 200) {
        const schema = post.responses["200"]?.content["application/json"].schema ?? {};
        expect(schemaErrors(doc, schema, answer), rpc).toEqual([]);
        outcomes.push(`${rpc}: 200`);
        continue;
      }
      const schema = post.responses.default?.content["application/json"].schema ?? {};
      expect(schemaErrors(doc, schema, answer), rpc).toEqual([]);
      const code = String(answer.code);
      const connectCode = codeFromString(code);
      if (connectCode === undefined) throw new Error(`${rpc}: not a Connect code: ${code}`);
      expect(res.status, `${rpc}: ${code}`).toBe(codeToHttpStatus(connectCode));
      outcomes.push(`${rpc}: ${code} (${String(answer.message)})`);
      // A refusal is the example's own doing, never the API's or the credentials'.
      expect(
        ["internal", "unknown", "unimplemented", "unauthenticated", "permission_denied"],
        rpc,
      ).not.toContain(code);
      const namesSomethingMissing = JSON.stringify(body).includes(PLACEHOLDER_ID);
      expect(namesSomethingMissing || REFUSED.has(rpc), `${rpc} refused: ${code}`).toBe(true);
    }
    expect(outcomes.length, outcomes.join("\n")).toBe(Object.keys(doc.paths).length);
  });

  it("are refused with an API token where the document asks for the session only", async () => {
    const sessionOnly = Object.entries(doc.paths).filter(
      ([, { post }]) =>
        post.security.length > 0 &&
        post.security.every((requirement) => Object.keys(requirement).join() === "session"),
    );
    expect(sessionOnly.length).toBeGreaterThan(0);
    for (const [path, { post }] of sessionOnly) {
      const body = post.requestBody.content["application/json"].example;
      const headers = { authorization: `Bearer ${credentials.apiToken}` };
      const { res, answer } = await send(path, body, headers);
      // Revocations look the id up first: a missing one is not_found whoever asks.
      const expected =
        JSON.stringify(body).includes(PLACEHOLDER_ID) && path.includes("Revoke")
          ? ["permission_denied", "not_found"]
          : ["permission_denied"];
      expect(expected, `${path}: ${res.status} ${JSON.stringify(answer)}`).toContain(answer.code);
    }
  });
});
