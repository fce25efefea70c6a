/**
 * fieldOfPath maps the request field a server error names ("rule.channelIds[0]") to the form
 * field it is about, by the longest prefix of `table` it starts with; undefined for a path the
 * form does not show, whose message then goes in the form-wide error.
 */
export function fieldOfPath<F extends string>(
  path: string | undefined,
  table: readonly (readonly [prefix: string, field: F])[],
): F | undefined {
  if (!path) return undefined;
  let best: { length: number; field: F } | undefined;
  for (const [prefix, field] of table) {
    const next = path.charAt(prefix.length);
    const matches = path.startsWith(prefix) && (next === "" || next === "." || next === "[");
    if (matches && prefix.length > (best?.length ?? -1)) best = { length: prefix.length, field };
  }
  return best?.field;
}
