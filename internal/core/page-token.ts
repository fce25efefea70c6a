import { InvalidArgumentError } from "./errors.js";

/** encodePageToken makes an opaque token from the last row's position. */
export function encodePageToken(seq: string): string {
  return Buffer.from(`s:${seq}`).toString("base64url");
}

/** decodePageToken reads a token from encodePageToken; empty means the first page. */
export function decodePageToken(field: string, token: string): string | undefined {
  if (token === "") return undefined;
  const text = Buffer.from(token, "base64url").toString();
  const match = /^s:(\d{1,19})$/.exec(text);
  if (!match?.[1]) throw new InvalidArgumentError(field, "is not a token returned by this API");
  return match[1];
}
