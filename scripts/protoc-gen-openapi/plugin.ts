// protoc-gen-openapi: a protoc/buf plugin that writes one OpenAPI 3.1 document of every service
// in the files it is asked to generate. Wired to stdin/stdout by main.ts; tests call run().
import { readFileSync } from "node:fs";
import {
  create,
  createFileRegistry,
  type DescService,
  fromJson,
  type JsonValue,
  protoInt64,
} from "@bufbuild/protobuf";
import {
  type CodeGeneratorRequest,
  type CodeGeneratorResponse,
  CodeGeneratorResponse_Feature,
  CodeGeneratorResponseSchema,
  FileDescriptorSetSchema,
} from "@bufbuild/protobuf/wkt";
import type { Plugin } from "@bufbuild/protoplugin";
import { buildDocument, methodPath } from "./document.js";
import { parseOptions, splitParameter } from "./options.js";

/** OPENAPI_FILE is where the document goes, under the plugin's `out` directory. */
export const OPENAPI_FILE = "openapi/openapi.json";

/** openapiPlugin is the plugin; its output is the same for the same input, byte for byte. */
export const openapiPlugin: Plugin = {
  name: "protoc-gen-openapi",
  version: "v1",
  run(request: CodeGeneratorRequest): CodeGeneratorResponse {
    const options = parseOptions(splitParameter(request.parameter));
    const registry = createFileRegistry(
      create(FileDescriptorSetSchema, { file: request.protoFile }),
    );
    const services: DescService[] = [];
    for (const name of request.fileToGenerate) {
      const file = registry.getFile(name);
      if (!file) throw new Error(`protoc-gen-openapi: ${name} is not in the request`);
      services.push(...file.services);
    }
    const examples = options.examples ? readExamples(options.examples, services) : {};
    const document = buildDocument(services, options, examples);
    return create(CodeGeneratorResponseSchema, {
      supportedFeatures: protoInt64.parse(CodeGeneratorResponse_Feature.PROTO3_OPTIONAL),
      file: [{ name: OPENAPI_FILE, content: `${JSON.stringify(document, null, 2)}\n` }],
    });
  },
};

/**
 * readExamples reads the examples file and checks each example against its method's request
 * message (unknown fields, wrong types and misspelt enum names fail), so the document never
 * shows a body the API would refuse to parse. An example of a method that does not exist fails
 * too: it is left over from a rename.
 */
function readExamples(path: string, services: readonly DescService[]): Record<string, JsonValue> {
  const examples = JSON.parse(readFileSync(path, "utf8")) as Record<string, JsonValue>;
  const methods = new Map(services.flatMap((s) => s.methods).map((m) => [methodPath(m), m]));
  for (const [key, example] of Object.entries(examples)) {
    const method = methods.get(key);
    if (!method) throw new Error(`protoc-gen-openapi: ${path}: no RPC "${key}"`);
    try {
      fromJson(method.input, example);
    } catch (error) {
      throw new Error(`protoc-gen-openapi: ${path}: the example of ${key}: ${String(error)}`);
    }
  }
  return examples;
}
