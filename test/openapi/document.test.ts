import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { DescService } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { PUBLIC_METHODS } from "../../internal/api/auth-gate.js";
import { SESSION_COOKIE } from "../../internal/auth/cookies.js";
import { type OpenApi, resolveRef, schemaErrors } from "../support/openapi-schema.js";

// The generated OpenAPI document (gen/openapi/openapi.json, `npm run generate`) against the
// services protoc-gen-es generated from the same .proto files, and against how the API decides
// who may call what. CI regenerates both and fails on any diff, so they describe one proto/.

const doc = JSON.parse(await readFile("gen/openapi/openapi.json", "utf8")) as OpenApi;

/** Every service gen/ exports, found in its modules rather than listed, so none is missed. */
async function generatedServices(): Promise<DescService[]> {
  const dir = resolve("gen/pulsar/v1");
  const services: DescService[] = [];
  for (const file of (await readdir(dir)).filter((name) => name.endsWith("_pb.ts")).sort()) {
    // A path only known at run time: vitest loads it as it is, without vite's import analysis.
    const url = pathToFileURL(join(dir, file)).href;
    const module = (await import(/* @vite-ignore */ url)) as Record<string, unknown>;
    for (const value of Object.values(module)) {
      if ((value as { kind?: unknown } | null)?.kind === "service") {
        services.push(value as DescService);
      }
    }
  }
  return services;
}

const services = await generatedServices();

/** Every $ref anywhere in a JSON value. */
function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    key === "$ref" && typeof inner === "string" ? [inner] : refsIn(inner),
  );
}

describe("the OpenAPI document", () => {
  it("is an OpenAPI 3.1 document whose every reference resolves", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info).toMatchObject({ title: "Pulsar API", version: "v1" });
    const refs = refsIn(doc);
    expect(refs.length).toBeGreaterThan(100);
    for (const ref of refs) expect(() => resolveRef(doc, ref), ref).not.toThrow();
  });

  it("lists every RPC of every service, and nothing else, as POST /<service>/<method>", () => {
    expect(services.map((s) => s.name).sort()).toEqual([
      "AlertService",
      "AuthService",
      "HostService",
      "IngestService",
      "MaintenanceService",
      "MonitorService",
      "ProbeCheckService",
      "ProbeService",
      "RegionService",
      "StatusPageService",
      "SystemService",
    ]);
    const expected = services.flatMap((s) => s.methods.map((m) => `/${s.typeName}/${m.name}`));
    expect(Object.keys(doc.paths).sort()).toEqual(expected.sort());
    for (const service of services) {
      for (const method of service.methods) {
        const operation = doc.paths[`/${service.typeName}/${method.name}`]?.post;
        expect(operation?.tags).toEqual([service.name]);
        expect(operation?.requestBody.content["application/json"].schema).toEqual({
          $ref: `#/components/schemas/${method.input.typeName}`,
        });
        expect(operation?.responses["200"]?.content["application/json"].schema).toEqual({
          $ref: `#/components/schemas/${method.output.typeName}`,
        });
        expect(operation?.responses.default?.content["application/json"].schema).toEqual({
          $ref: "#/components/schemas/connect.error",
        });
      }
    }
  });

  it("names each message's fields as proto3 JSON does, lowerCamelCase", () => {
    const monitor = doc.components.schemas["pulsar.v1.Monitor"];
    expect(Object.keys(monitor?.properties ?? {})).toContain("intervalSeconds");
    expect(monitor?.properties?.headers).toMatchObject({
      type: "object",
      additionalProperties: { type: "string" },
    });
    expect(monitor?.properties?.createdAt).toMatchObject({ type: "string", format: "date-time" });
    expect(monitor?.properties?.status).toMatchObject({
      $ref: "#/components/schemas/pulsar.v1.MonitorStatus",
    });
    const stats = doc.components.schemas["pulsar.v1.MonitorStats"];
    expect(stats?.properties?.checks).toMatchObject({ type: "string", format: "int64" });
  });

  it("carries the comments of the .proto files", () => {
    const signUp = doc.paths["/pulsar.v1.AuthService/SignUp"]?.post as unknown as {
      description: string;
    };
    expect(signUp.description).toMatch(/^SignUp creates a user and their organization/);
    expect(doc.tags.find((tag) => tag.name === "IngestService")?.description).toMatch(
      /agent token/,
    );
    expect(doc.tags.find((tag) => tag.name === "ProbeCheckService")?.description).toMatch(
      /probe\s+token/,
    );
  });

  it("asks for credentials exactly as the API does", () => {
    expect(doc.components.securitySchemes.session).toMatchObject({
      type: "apiKey",
      in: "cookie",
      name: SESSION_COOKIE,
    });
    const publicPaths = Object.entries(doc.paths)
      .filter(([, item]) => item.post.security.length === 0)
      .map(([path]) => path.slice(1));
    expect(publicPaths.sort()).toEqual([...PUBLIC_METHODS].sort());
    for (const [path, item] of Object.entries(doc.paths)) {
      if (path.startsWith("/pulsar.v1.IngestService/")) {
        expect(item.post.security).toEqual([{ agentToken: [] }]);
      } else if (path.startsWith("/pulsar.v1.ProbeCheckService/")) {
        // Probe tokens only (internal/api/probe-auth-gate.ts).
        expect(item.post.security).toEqual([{ probeToken: [] }]);
      } else if (!PUBLIC_METHODS.has(path.slice(1))) {
        // The session alone where a member must be signed in (examples.test.ts holds those to
        // the API's answers), else either credential.
        expect([
          JSON.stringify([{ apiToken: [] }, { session: [] }]),
          JSON.stringify([{ session: [] }]),
        ]).toContain(JSON.stringify(item.post.security));
      }
    }
  });

  it("gives every RPC a request example that its request schema accepts", () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      const body = item.post.requestBody.content["application/json"];
      expect(body.example, path).toBeTypeOf("object");
      expect(schemaErrors(doc, body.schema, body.example), path).toEqual([]);
    }
  });
});
