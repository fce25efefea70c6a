/**
 * UUID_PATTERN is what an id Postgres generated (gen_random_uuid) looks like, in any case: ids of
 * monitors, channels, rules, members and tokens arrive from clients as text and are checked
 * against it before they reach a query (a malformed uuid would otherwise be a driver error).
 */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * HOST_ID_PATTERN is what a host id may look like (the agent's HOST_ID): 1–128 letters, digits,
 * '.', '_', ':' or '-', starting with a letter or digit. Host ids end up in stream topics and
 * Redis keys, so nothing else is allowed; the agent checks it at start and the server on every
 * sample and rule.
 */
export const HOST_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** HOST_ID_RULE says HOST_ID_PATTERN in words, for error messages. */
export const HOST_ID_RULE = "1–128 letters, digits, '.', '_', ':' or '-'";

/** isUuid says whether text is a UUID (UUID_PATTERN). */
export function isUuid(text: string): boolean {
  return UUID_PATTERN.test(text);
}

/** isHostId says whether text is a valid host id (HOST_ID_PATTERN). */
export function isHostId(text: string): boolean {
  return HOST_ID_PATTERN.test(text);
}

/**
 * LABEL_KEY_PATTERN is what a host label's key may look like: 1–63 lowercase letters, digits,
 * '_', '.' or '-', starting with a letter or digit. Keys are matched by label selectors and
 * shown as chips, so they stay short and need no quoting.
 */
export const LABEL_KEY_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,62}$/;

/** LABEL_KEY_RULE says LABEL_KEY_PATTERN in words, for error messages. */
export const LABEL_KEY_RULE =
  "1–63 lowercase letters, digits, '_', '.' or '-', starting with a letter or digit";

/** MAX_LABELS bounds the labels of one host (HostInfo.labels, UpdateHost, AGENT_LABELS). */
export const MAX_LABELS = 20;

/** MAX_LABEL_VALUE_LENGTH bounds a label's value, in characters (printable only). */
export const MAX_LABEL_VALUE_LENGTH = 100;

/** isLabelKey says whether text is a valid label key (LABEL_KEY_PATTERN). */
export function isLabelKey(text: string): boolean {
  return LABEL_KEY_PATTERN.test(text);
}
