// Protobuf messages and enums as JSON Schemas of their proto3 JSON form, the body Connect's JSON
// protocol sends: https://protobuf.dev/programming-guides/json/
import { type DescEnum, type DescField, type DescMessage, ScalarType } from "@bufbuild/protobuf";
import { getComments } from "@bufbuild/protoplugin";

/** JsonSchema is one JSON Schema (2020-12, as OpenAPI 3.1 embeds it). */
export type JsonSchema = { [keyword: string]: unknown };

/**
 * schemaRef is the reference to a component schema: a message's or an enum's, named by full
 * type name ("pulsar.v1.User") so two packages never collide, or one named outright.
 */
export function schemaRef(desc: DescMessage | DescEnum | string): JsonSchema {
  const name = typeof desc === "string" ? desc : desc.typeName;
  return { $ref: `#/components/schemas/${name}` };
}

/**
 * describe is an element's leading comment as a description, or nothing when it has none. The
 * space after each line's `//` goes, so that indented Markdown (lists) keeps its meaning.
 */
export function describe(desc: Parameters<typeof getComments>[0]): { description?: string } {
  const lines = (getComments(desc).leading ?? "").split("\n");
  const text = lines
    .map((line) => (line.startsWith(" ") ? line.slice(1) : line))
    .join("\n")
    .trim();
  return text ? { description: text } : {};
}

/**
 * WELL_KNOWN are the types whose JSON form is not an object of their fields. Only these are
 * inlined (as a string, say); every other message is a component.
 */
const WELL_KNOWN: Readonly<Record<string, JsonSchema>> = {
  "google.protobuf.Timestamp": {
    type: "string",
    format: "date-time",
    description: "RFC 3339, UTC (`2026-01-02T15:04:05Z`, fractional seconds when non-zero).",
  },
  "google.protobuf.Duration": {
    type: "string",
    pattern: "^-?[0-9]+(\\.[0-9]{1,9})?s$",
    description: 'Seconds with an "s" suffix (`1.5s`).',
  },
  "google.protobuf.FieldMask": {
    type: "string",
    description: "Comma-separated lowerCamelCase field paths.",
  },
  "google.protobuf.Struct": { type: "object", additionalProperties: true },
  "google.protobuf.Value": {},
  "google.protobuf.ListValue": { type: "array", items: {} },
  "google.protobuf.Empty": { type: "object" },
  "google.protobuf.Any": {
    type: "object",
    properties: { "@type": { type: "string" } },
    required: ["@type"],
    additionalProperties: true,
  },
  "google.protobuf.DoubleValue": { type: "number" },
  "google.protobuf.FloatValue": { type: "number" },
  "google.protobuf.Int64Value": { type: "string", format: "int64" },
  "google.protobuf.UInt64Value": { type: "string", format: "uint64" },
  "google.protobuf.Int32Value": { type: "integer", format: "int32" },
  "google.protobuf.UInt32Value": { type: "integer", format: "uint32", minimum: 0 },
  "google.protobuf.BoolValue": { type: "boolean" },
  "google.protobuf.StringValue": { type: "string" },
  "google.protobuf.BytesValue": { type: "string", contentEncoding: "base64" },
};

/** isWellKnown tells whether a message is inlined by WELL_KNOWN rather than a component. */
export function isWellKnown(message: DescMessage): boolean {
  return message.typeName in WELL_KNOWN;
}

/**
 * scalarSchema is a scalar's JSON form. 64-bit integers are strings (JSON numbers lose
 * precision past 2^53; a parser also accepts numbers); bytes are standard base64; floats are
 * numbers, or "NaN", "Infinity" and "-Infinity", which the schema leaves out as rare.
 */
function scalarSchema(scalar: ScalarType): JsonSchema {
  switch (scalar) {
    case ScalarType.DOUBLE:
      return { type: "number", format: "double" };
    case ScalarType.FLOAT:
      return { type: "number", format: "float" };
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return { type: "string", format: "int64", pattern: "^-?[0-9]+$" };
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return { type: "string", format: "uint64", pattern: "^[0-9]+$" };
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return { type: "integer", format: "int32" };
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return { type: "integer", format: "uint32", minimum: 0 };
    case ScalarType.BOOL:
      return { type: "boolean" };
    case ScalarType.STRING:
      return { type: "string" };
    case ScalarType.BYTES:
      return { type: "string", format: "byte", contentEncoding: "base64" };
  }
}

function messageSchema(message: DescMessage): JsonSchema {
  return WELL_KNOWN[message.typeName] ?? schemaRef(message);
}

/** valueSchema is a singular value's schema: the field's, or a list's or map's element's. */
function valueSchema(
  kind: "scalar" | "enum" | "message",
  scalar: ScalarType | undefined,
  enumDesc: DescEnum | undefined,
  message: DescMessage | undefined,
): JsonSchema {
  if (kind === "enum" && enumDesc) return schemaRef(enumDesc);
  if (kind === "message" && message) return messageSchema(message);
  return scalarSchema(scalar ?? ScalarType.STRING);
}

/** fieldSchema is a field's JSON form: lists are arrays, maps objects keyed by the key's text. */
export function fieldSchema(field: DescField): JsonSchema {
  switch (field.fieldKind) {
    case "scalar":
      return scalarSchema(field.scalar);
    case "enum":
      return schemaRef(field.enum);
    case "message":
      return messageSchema(field.message);
    case "list":
      return {
        type: "array",
        items: valueSchema(field.listKind, field.scalar, field.enum, field.message),
      };
    case "map":
      return {
        type: "object",
        additionalProperties: valueSchema(field.mapKind, field.scalar, field.enum, field.message),
      };
  }
}

/**
 * messageComponent is a message's component schema. Nothing is required: proto3 JSON leaves
 * out fields at their default (zero, empty, absent), and a reader treats a missing field as
 * that default. A oneof's members are plain optional properties, at most one of them present.
 */
export function messageComponent(message: DescMessage): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const field of message.fields) {
    const schema = fieldSchema(field);
    const notes = [describe(field).description];
    if (field.oneof && !field.proto.proto3Optional) {
      const others = field.oneof.fields.filter((f) => f !== field).map((f) => `\`${f.jsonName}\``);
      notes.push(`Oneof \`${field.oneof.name}\`: not set together with ${others.join(", ")}.`);
    }
    const description = notes.filter(Boolean).join("\n\n");
    // A $ref with siblings is valid in OpenAPI 3.1; the viewer shows the field's own text.
    properties[field.jsonName] = {
      ...schema,
      ...(description && { description }),
      ...(field.deprecated && { deprecated: true }),
    };
  }
  return {
    type: "object",
    ...describe(message),
    properties,
    ...(message.deprecated && { deprecated: true }),
  };
}

/** enumComponent is an enum's component schema: its value names, as proto3 JSON writes them. */
export function enumComponent(enumDesc: DescEnum): JsonSchema {
  const documented = enumDesc.values
    .map((value) => ({ value, text: describe(value).description }))
    .filter(({ text }) => text)
    .map(({ value, text }) => `- \`${value.name}\`: ${text?.replaceAll("\n", " ")}`);
  const description = [describe(enumDesc).description, documented.join("\n")]
    .filter(Boolean)
    .join("\n\n");
  return {
    type: "string",
    ...(description && { description }),
    enum: enumDesc.values.map((value) => value.name),
  };
}
