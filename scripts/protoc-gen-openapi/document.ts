// The OpenAPI 3.1 document of services as Connect's JSON protocol serves them: one
// `POST /<package>.<Service>/<Method>` per RPC, bodies in the proto3 JSON mapping.
import type { DescEnum, DescMessage, DescMethod, DescService, JsonValue } from "@bufbuild/protobuf";
import { CONNECT_ERROR_SCHEMA, connectErrorComponent } from "./connect-error.js";
import {
  describe,
  enumComponent,
  isWellKnown,
  type JsonSchema,
  messageComponent,
  schemaRef,
} from "./json-schemas.js";
import type { OpenApiOptions } from "./options.js";

/** OpenApiDocument is the document as JSON. */
export type OpenApiDocument = { [key: string]: unknown };

/** methodPath is an RPC's path and key: "pulsar.v1.AuthService/SignUp". */
export const methodPath = (method: DescMethod): string =>
  `${method.parent.typeName}/${method.name}`;

/**
 * buildDocument describes services. examples holds a request body per method path (already
 * checked against the request message); a method without one gets `{}`, which every proto3
 * message accepts.
 */
export function buildDocument(
  services: readonly DescService[],
  options: OpenApiOptions,
  examples: Readonly<Record<string, JsonValue>>,
): OpenApiDocument {
  const types = new Map<string, DescMessage | DescEnum>();
  const paths: Record<string, unknown> = {};
  for (const service of services) {
    for (const method of service.methods) {
      if (method.methodKind !== "unary") {
        // Streaming RPCs use enveloped bodies, which a plain JSON POST cannot show.
        throw new Error(`${methodPath(method)}: only unary RPCs can be described`);
      }
      collectTypes(method.input, types);
      collectTypes(method.output, types);
      paths[`/${methodPath(method)}`] = {
        post: operation(method, options, examples[methodPath(method)] ?? {}),
      };
    }
  }
  const schemas: Record<string, JsonSchema> = {};
  for (const [name, desc] of [...types].sort(([a], [b]) => a.localeCompare(b))) {
    schemas[name] = desc.kind === "enum" ? enumComponent(desc) : messageComponent(desc);
  }
  schemas[CONNECT_ERROR_SCHEMA] = connectErrorComponent();
  return {
    openapi: "3.1.0",
    info: {
      title: options.title,
      version: options.version,
      description: [
        "Every RPC is a `POST` of a JSON body (`Content-Type: application/json`) to",
        "`/<package>.<Service>/<Method>`: Connect's unary protocol with the proto3 JSON mapping.",
        "Field names are lowerCamelCase; 64-bit integers are strings; enums are their value",
        "names; timestamps are RFC 3339 strings; fields at their default value are left out of",
        "answers. A failed call answers with a non-200 status and a `connect.error` body.",
      ].join(" "),
    },
    servers: [{ url: "/" }],
    tags: services.map((service) => ({ name: service.name, ...describe(service) })),
    security: defaultSecurity(options),
    paths,
    components: { schemas, securitySchemes: securitySchemes(options) },
  };
}

function operation(method: DescMethod, options: OpenApiOptions, example: JsonValue) {
  const errorResponse = {
    description: "A Connect error: the status follows its code (see `connect.error`).",
    content: { "application/json": { schema: schemaRef(CONNECT_ERROR_SCHEMA) } },
  };
  return {
    operationId: `${method.parent.name}_${method.name}`,
    summary: method.name,
    ...describe(method),
    tags: [method.parent.name],
    ...(method.deprecated && { deprecated: true }),
    security: methodSecurity(method, options),
    requestBody: {
      required: true,
      content: { "application/json": { schema: schemaRef(method.input), example } },
    },
    responses: {
      "200": {
        description: "Success.",
        content: { "application/json": { schema: schemaRef(method.output) } },
      },
      default: errorResponse,
    },
  };
}

/** collectTypes adds a message and every message and enum its fields reach, once each. */
function collectTypes(message: DescMessage, types: Map<string, DescMessage | DescEnum>): void {
  if (isWellKnown(message) || types.has(message.typeName)) return;
  types.set(message.typeName, message);
  for (const field of message.fields) {
    if (field.enum) types.set(field.enum.typeName, field.enum);
    if (field.message) collectTypes(field.message, types);
  }
}

/** The security scheme names of the document. */
const API_TOKEN = "apiToken";
const SESSION = "session";
const AGENT_TOKEN = "agentToken";
const PROBE_TOKEN = "probeToken";

function securitySchemes(options: OpenApiOptions): Record<string, unknown> {
  return {
    [API_TOKEN]: {
      type: "http",
      scheme: "bearer",
      description: "`Authorization: Bearer <api token>`: a token of scope TOKEN_SCOPE_API.",
    },
    ...(options.sessionCookie && {
      [SESSION]: {
        type: "apiKey",
        in: "cookie",
        name: options.sessionCookie,
        description:
          "The session cookie that SignUp and SignIn set, as the dashboard sends it. Calls with " +
          "it must be POSTs with a Connect content type whose Origin is the API's own.",
      },
    }),
    ...(options.agentServices.size > 0 && {
      [AGENT_TOKEN]: {
        type: "http",
        scheme: "bearer",
        description: "`Authorization: Bearer <agent token>`: a token of scope TOKEN_SCOPE_AGENT.",
      },
    }),
    ...(options.probeServices.size > 0 && {
      [PROBE_TOKEN]: {
        type: "http",
        scheme: "bearer",
        description:
          "`Authorization: Bearer <probe token>`: a token of scope TOKEN_SCOPE_PROBE, from ProbeService.CreateProbeToken.",
      },
    }),
  };
}

/** defaultSecurity is what every method needs unless it is public, an agent's or a probe's. */
function defaultSecurity(options: OpenApiOptions): Record<string, string[]>[] {
  return [{ [API_TOKEN]: [] }, ...(options.sessionCookie ? [{ [SESSION]: [] }] : [])];
}

function methodSecurity(method: DescMethod, options: OpenApiOptions): Record<string, string[]>[] {
  if (options.publicMethods.has(methodPath(method))) return [];
  if (options.agentServices.has(method.parent.typeName)) return [{ [AGENT_TOKEN]: [] }];
  if (options.probeServices.has(method.parent.typeName)) return [{ [PROBE_TOKEN]: [] }];
  if (options.sessionMethods.has(methodPath(method)) && options.sessionCookie) {
    return [{ [SESSION]: [] }];
  }
  return defaultSecurity(options);
}
