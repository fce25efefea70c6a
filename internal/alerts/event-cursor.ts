import { InvalidArgumentError } from "../core/errors.js";

/**
 * EventCursor is a position in an alert history read newest first: the last row of a page, by
 * its time in microseconds since the epoch (as text: more digits than a JS number holds
 * exactly) and its id, which breaks ties between events of the same microsecond.
 */
export interface EventCursor {
  createdUs: string;
  id: string;
}

const CURSOR = /^e:(-?\d{1,19}):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** encodeEventCursor makes an opaque page token from a position. */
export function encodeEventCursor(cursor: EventCursor): string {
  return Buffer.from(`e:${cursor.createdUs}:${cursor.id}`).toString("base64url");
}

/**
 * decodeEventCursor reads a token from encodeEventCursor; undefined for '' (the first page).
 * Anything else is invalid, naming the field: the token is the client's to send back, not to
 * make.
 */
export function decodeEventCursor(field: string, token: string): EventCursor | undefined {
  if (token === "") return undefined;
  const match = CURSOR.exec(Buffer.from(token, "base64url").toString());
  if (!match?.[1] || !match[2]) {
    throw new InvalidArgumentError(field, "is not a token returned by this API");
  }
  return { createdUs: match[1], id: match[2] };
}
