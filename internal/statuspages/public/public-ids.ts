import { createHash } from "node:crypto";

/**
 * publicId names a row (monitor, incident, maintenance, group) in public output: a short hash of
 * the page and the row's id. Stable across renders (aggregators follow components by id) but it
 * reveals nothing of the uuid behind it, which appears in the private API, logs and stream topics.
 */
export function publicId(pageId: string, kind: string, id: string): string {
  return createHash("sha256").update(`${pageId}\0${kind}\0${id}`).digest("hex").slice(0, 16);
}
