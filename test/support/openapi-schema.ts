// Checking a JSON value against a schema of the generated OpenAPI document: the few JSON Schema
// keywords protoc-gen-openapi writes, strictly (a property the schema does not name is an error,
// so an answer cannot carry a field the document forgot). Not imported by production code.

/** OpenApi is the parsed document, as far as the tests read it. */
export interface OpenApi {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, { post: Operation }>;
  components: {
    schemas: Record<string, Schema>;
    securitySchemes: Record<string, { type: string; scheme?: string; in?: string; name?: string }>;
  };
  security: Record<string, string[]>[];
  tags: { name: string; description?: string }[];
}

/** Operation is one RPC's entry. */
export interface Operation {
  operationId: string;
  summary: string;
  tags: string[];
  security: Record<string, string[]>[];
  requestBody: { content: { "application/json": { schema: Schema; example: unknown } } };
  responses: Record<string, { content: { "application/json": { schema: Schema } } }>;
}

/** Schema is a JSON Schema as the document writes them. */
export type Schema = {
  $ref?: string;
  type?: string;
  format?: string;
  pattern?: string;
  enum?: string[];
  minimum?: number;
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
};

/** resolveRef is the component a "#/components/schemas/<name>" reference points to. */
export function resolveRef(doc: OpenApi, ref: string): Schema {
  const name = ref.replace(/^#\/components\/schemas\//, "");
  const schema = doc.components.schemas[name];
  if (!schema) throw new Error(`unresolvable $ref ${ref}`);
  return schema;
}

/** schemaErrors lists where value breaks schema, as "path: what"; empty when it conforms. */
export function schemaErrors(doc: OpenApi, schema: Schema, value: unknown, at = "$"): string[] {
  if (schema.$ref) return schemaErrors(doc, resolveRef(doc, schema.$ref), value, at);
  const errors: string[] = [];
  const fail = (what: string) => errors.push(`${at}: ${what} (got ${JSON.stringify(value)})`);
  if (schema.enum && !schema.enum.includes(value as string)) fail(`not one of ${schema.enum}`);
  switch (schema.type) {
    case undefined:
      break;
    case "string":
      if (typeof value !== "string") fail("not a string");
      else if (schema.pattern && !new RegExp(schema.pattern).test(value)) fail("pattern");
      else if (schema.format === "date-time" && Number.isNaN(Date.parse(value))) fail("date");
      break;
    case "number":
      if (typeof value !== "number") fail("not a number");
      break;
    case "integer":
      if (!Number.isInteger(value)) fail("not an integer");
      else if (schema.minimum !== undefined && (value as number) < schema.minimum) fail("minimum");
      break;
    case "boolean":
      if (typeof value !== "boolean") fail("not a boolean");
      break;
    case "array":
      if (!Array.isArray(value)) fail("not an array");
      else if (schema.items) {
        for (const [i, item] of value.entries()) {
          errors.push(...schemaErrors(doc, schema.items, item, `${at}[${i}]`));
        }
      }
      break;
    case "object":
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        fail("not an object");
        break;
      }
      for (const key of schema.required ?? []) if (!(key in value)) fail(`no ${key}`);
      for (const [key, field] of Object.entries(value)) {
        const property = schema.properties?.[key];
        const extra = schema.additionalProperties;
        const fieldSchema = property ?? (typeof extra === "object" ? extra : undefined);
        if (fieldSchema) errors.push(...schemaErrors(doc, fieldSchema, field, `${at}.${key}`));
        else if (extra !== true) errors.push(`${at}.${key}: not in the schema`);
      }
      break;
    default:
      fail(`unknown schema type ${schema.type}`);
  }
  return errors;
}
