/**
 * toJsonParam serialises a jsonb parameter. pg would send a JS array as a Postgres array
 * literal, not as JSON, so every jsonb value goes as text.
 */
export function toJsonParam(value: unknown): string {
  return JSON.stringify(value);
}
