import { parseCondition } from "./parse.js";
import { ConditionSyntaxError } from "./syntax-error.js";
import { type Condition, MAX_CONDITIONS } from "./types.js";

/** CompiledConditions are a check's conditions, parsed, or why they cannot be evaluated. */
export type CompiledConditions =
  | { readonly ok: true; readonly conditions: readonly Condition[] }
  | { readonly ok: false; readonly error: string };

/** DEFAULT_CACHE_ENTRIES bounds the process-wide cache: at most ~15 MB of 500-character ones. */
export const DEFAULT_CACHE_ENTRIES = 10_000;

/**
 * ConditionCache keeps parsed conditions by their text, so a worker parses each condition of
 * a monitor once, not at every check (a parse costs 2–10 µs, a hit well under 1 µs). It holds
 * at most `capacity` entries and forgets the oldest first: a worker watching more distinct
 * conditions than that parses some again, and its memory stays bounded.
 */
export class ConditionCache {
  readonly #entries = new Map<string, Condition | ConditionSyntaxError>();
  readonly #capacity: number;

  constructor(capacity = DEFAULT_CACHE_ENTRIES) {
    this.#capacity = capacity;
  }

  /** size is how many texts the cache holds. */
  get size(): number {
    return this.#entries.size;
  }

  /** parse returns the parsed condition or its syntax error, parsing only on a miss. */
  parse(text: string): Condition | ConditionSyntaxError {
    let entry = this.#entries.get(text);
    if (entry === undefined) {
      entry = parseOrError(text);
      if (this.#entries.size >= this.#capacity) {
        // Maps iterate in insertion order: the first key is the oldest.
        const oldest = this.#entries.keys().next();
        if (oldest.done !== true) this.#entries.delete(oldest.value);
      }
      this.#entries.set(text, entry);
    }
    return entry;
  }
}

const sharedCache = new ConditionCache();
const NONE: CompiledConditions = { ok: true, conditions: [] };

/**
 * compileConditions parses a check target's conditions through `cache` (default: one shared
 * by the process). Conditions are validated when a monitor is saved, so an error here means
 * the language changed under a stored monitor; the check then fails with this error.
 */
export function compileConditions(
  texts: readonly string[],
  cache: ConditionCache = sharedCache,
): CompiledConditions {
  if (texts.length === 0) return NONE;
  if (texts.length > MAX_CONDITIONS) {
    return { ok: false, error: `more than ${MAX_CONDITIONS} conditions` };
  }
  const conditions: Condition[] = [];
  for (const [i, text] of texts.entries()) {
    const parsed = cache.parse(text);
    if (parsed instanceof ConditionSyntaxError) {
      const words = `${parsed.message} at position ${parsed.position}`;
      return { ok: false, error: `conditions[${i}] does not parse: ${words}` };
    }
    conditions.push(parsed);
  }
  return { ok: true, conditions };
}

function parseOrError(text: string): Condition | ConditionSyntaxError {
  try {
    return parseCondition(text);
  } catch (error) {
    if (error instanceof ConditionSyntaxError) return error;
    throw error;
  }
}
