import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { create, fromBinary } from "@bufbuild/protobuf";
import { CodeGeneratorRequestSchema, FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPENAPI_FILE, openapiPlugin } from "../../scripts/protoc-gen-openapi/plugin.js";
import type { OpenApi } from "../support/openapi-schema.js";

// protoc-gen-openapi on a tiny .proto of its own, compiled by buf (offline, as `npm run
// generate` runs it): each proto3 JSON mapping rule and each option, one at a time.

const TINY_PROTO = `syntax = "proto3";
package tiny.v1;
import "google/protobuf/timestamp.proto";

// Color is a color.
enum Color {
  COLOR_UNSPECIFIED = 0;
  // Like the sky.
  COLOR_BLUE = 1;
}

// Thing is a thing.
message Thing {
  // Its size, which may be large.
  int64 size = 1;
  bytes blob = 2;
  map<string, int32> counts = 3;
  repeated Color colors = 4;
  google.protobuf.Timestamp seen_at = 5;
  optional uint32 limit = 6;
  oneof kind {
    string name = 7;
    Thing child = 8;
  }
}

// Things keeps things.
service ThingService {
  // Open needs no credentials.
  rpc Open(Thing) returns (Thing);
  rpc Close(Thing) returns (Thing);
}
`;

let dir: string;
let descriptors: Uint8Array;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "protoc-gen-openapi-"));
  await writeFile(join(dir, "tiny.proto"), TINY_PROTO);
  const out = join(dir, "tiny.binpb");
  // With source info (comments) and imports (Timestamp), as buf hands them to a plugin.
  await promisify(execFile)("npx", ["buf", "build", dir, "-o", out]);
  descriptors = await readFile(out);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function generate(parameter: string): OpenApi {
  const set = fromBinary(FileDescriptorSetSchema, descriptors);
  const response = openapiPlugin.run(
    create(CodeGeneratorRequestSchema, {
      fileToGenerate: ["tiny.proto"],
      parameter,
      protoFile: set.file,
    }),
  );
  expect(response.error ?? "").toBe("");
  expect(response.file.map((file) => file.name)).toEqual([OPENAPI_FILE]);
  return JSON.parse(response.file[0]?.content ?? "") as OpenApi;
}

describe("protoc-gen-openapi", () => {
  it("maps fields as proto3 JSON writes them", () => {
    const thing = generate("").components.schemas["tiny.v1.Thing"];
    expect(thing).toMatchObject({ type: "object", description: "Thing is a thing." });
    expect(thing?.properties).toEqual({
      size: {
        type: "string",
        format: "int64",
        pattern: "^-?[0-9]+$",
        description: "Its size, which may be large.",
      },
      blob: { type: "string", format: "byte", contentEncoding: "base64" },
      counts: { type: "object", additionalProperties: { type: "integer", format: "int32" } },
      colors: { type: "array", items: { $ref: "#/components/schemas/tiny.v1.Color" } },
      seenAt: expect.objectContaining({ type: "string", format: "date-time" }),
      limit: { type: "integer", format: "uint32", minimum: 0 },
      name: { type: "string", description: "Oneof `kind`: not set together with `child`." },
      child: {
        $ref: "#/components/schemas/tiny.v1.Thing",
        description: "Oneof `kind`: not set together with `name`.",
      },
    });
  });

  it("writes enums as their value names, with the values' comments", () => {
    expect(generate("").components.schemas["tiny.v1.Color"]).toEqual({
      type: "string",
      description: "Color is a color.\n\n- `COLOR_BLUE`: Like the sky.",
      enum: ["COLOR_UNSPECIFIED", "COLOR_BLUE"],
    });
  });

  it("describes each RPC as a POST with the method's comment and the service as its tag", () => {
    const doc = generate("title=Tiny,version=v9");
    expect(doc.info).toMatchObject({ title: "Tiny", version: "v9" });
    expect(Object.keys(doc.paths)).toEqual([
      "/tiny.v1.ThingService/Open",
      "/tiny.v1.ThingService/Close",
    ]);
    expect(doc.paths["/tiny.v1.ThingService/Open"]?.post).toMatchObject({
      operationId: "ThingService_Open",
      description: "Open needs no credentials.",
      tags: ["ThingService"],
      requestBody: { content: { "application/json": { example: {} } } },
    });
    expect(doc.tags).toEqual([{ name: "ThingService", description: "Things keeps things." }]);
  });

  it("marks public methods as needing no credentials, and names the session cookie", () => {
    const doc = generate("public_method=tiny.v1.ThingService/Open,session_cookie=tiny_session");
    expect(doc.paths["/tiny.v1.ThingService/Open"]?.post.security).toEqual([]);
    expect(doc.paths["/tiny.v1.ThingService/Close"]?.post.security).toEqual([
      { apiToken: [] },
      { session: [] },
    ]);
    expect(doc.components.securitySchemes.session).toMatchObject({
      in: "cookie",
      name: "tiny_session",
    });
  });

  it("refuses an unknown option and an example the request message would not parse", async () => {
    expect(() => generate("titel=Tiny")).toThrow(/unknown option "titel"/);
    const examples = join(dir, "examples.json");
    await writeFile(examples, JSON.stringify({ "tiny.v1.ThingService/Open": { sise: "1" } }));
    expect(() => generate(`examples=${examples}`)).toThrow(
      /the example of tiny.v1.ThingService\/Open/,
    );
    await writeFile(examples, JSON.stringify({ "tiny.v1.ThingService/Gone": {} }));
    expect(() => generate(`examples=${examples}`)).toThrow(/no RPC "tiny.v1.ThingService\/Gone"/);
  });

  it("writes the same bytes for the same input", () => {
    const parameter = "public_method=tiny.v1.ThingService/Open";
    expect(JSON.stringify(generate(parameter))).toBe(JSON.stringify(generate(parameter)));
  });
});
