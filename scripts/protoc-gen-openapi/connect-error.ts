// The error body of Connect's unary protocol, as a JSON Schema:
// https://connectrpc.com/docs/protocol/#error-end-stream
import { Code } from "@connectrpc/connect";
import { codeToHttpStatus, codeToString } from "@connectrpc/connect/protocol-connect";
import type { JsonSchema } from "./json-schemas.js";

/** CONNECT_ERROR_SCHEMA names the error's component schema. */
export const CONNECT_ERROR_SCHEMA = "connect.error";

/** CONNECT_CODES are every Connect error code, in their wire form ("invalid_argument"). */
const CONNECT_CODES = Object.values(Code)
  .filter((code): code is Code => typeof code === "number")
  .map((code) => ({ name: codeToString(code), status: codeToHttpStatus(code) }));

/**
 * connectErrorComponent is the error's schema. Its description is the code-to-status table
 * connect-es answers with, taken from connect-es itself so the two cannot disagree.
 */
export function connectErrorComponent(): JsonSchema {
  const table = CONNECT_CODES.map(({ name, status }) => `| \`${name}\` | ${status} |`);
  return {
    type: "object",
    description: [
      "A failed call answers with a non-200 HTTP status and this body. The status follows the code:",
      "",
      "| code | HTTP status |",
      "| --- | --- |",
      ...table,
    ].join("\n"),
    required: ["code"],
    properties: {
      code: { type: "string", enum: CONNECT_CODES.map(({ name }) => name) },
      message: { type: "string", description: "For people: what went wrong, naming the field." },
      details: {
        type: "array",
        items: {
          type: "object",
          properties: {
            type: { type: "string", description: "The detail's full message type name." },
            value: { type: "string", contentEncoding: "base64" },
            debug: {},
          },
        },
      },
    },
  };
}
