import { holds } from "./compare.js";
import { MAX_JSON_CONTAINERS, tooManyContainers } from "./json-budget.js";
import { items, kindOf, type Resolved, resolvePath } from "./json-path.js";
import { quote } from "./quote.js";
import {
  CONDITION_BODY_BYTES,
  type Condition,
  type ConditionFacts,
  type Operand,
} from "./types.js";

/**
 * evaluateConditions checks every condition against what a check saw and returns one
 * description per condition that does not hold, in order (`$.status == "UP" (got "DOWN")`);
 * none when all hold. Values are quoted and cut to 80 characters. The body is decoded, and
 * parsed as JSON, at most once per call, and only when a condition reads it.
 */
export function evaluateConditions(
  conditions: readonly Condition[],
  facts: ConditionFacts,
): string[] {
  const body = new BodyView(facts);
  const failures: string[] = [];
  for (const condition of conditions) {
    const read = readOperand(condition.operand, facts, body);
    if ("missing" in read) {
      failures.push(`${condition.source} (${read.missing})`);
    } else if (!holds(condition.operator, read.value, condition.value, condition.valueText)) {
      const why = read.note ?? `got ${preview(read.value, condition.operand)}`;
      failures.push(`${condition.source} (${why})`);
    }
  }
  return failures;
}

/** needsBody tells whether any condition reads the body (`body`, `$…`), which must then be kept. */
export function needsBody(conditions: readonly Condition[]): boolean {
  return conditions.some((c) => c.operand.kind === "body" || c.operand.kind === "json");
}

/** needsHeaders tells whether any condition reads a header, so the headers must be kept. */
export function needsHeaders(conditions: readonly Condition[]): boolean {
  return conditions.some((c) => c.operand.kind === "header");
}

/** Read is an operand's value; `note` says why it is null (an absent header, no TLS). */
type Read = { readonly value: unknown; readonly note?: string } | { readonly missing: string };

function readOperand(operand: Operand, facts: ConditionFacts, body: BodyView): Read {
  switch (operand.kind) {
    case "status":
      return { value: facts.status };
    case "response_time":
      return { value: facts.responseTimeMs };
    case "body_size":
      return { value: facts.bodySize };
    case "cert_days":
      if (facts.certDays === null) return { value: null, note: "no certificate: plain HTTP" };
      return { value: facts.certDays };
    case "body":
      return { value: body.text() };
    case "header":
      return readHeader(facts.headers, operand.name);
    case "json": {
      const document = body.json();
      if ("missing" in document) return document;
      return resolvePath(document.value, operand.root, operand.steps);
    }
  }
}

/** readHeader reads one header; several of one name are joined by ", ", as HTTP allows. */
function readHeader(headers: ConditionFacts["headers"], name: string): Read {
  const value = headers !== undefined && Object.hasOwn(headers, name) ? headers[name] : undefined;
  if (value === undefined) return { value: null, note: `no ${name} header` };
  return { value: Array.isArray(value) ? value.join(", ") : value };
}

const decoder = new TextDecoder();
const EMPTY = new Uint8Array(0);
const WINDOW_WORDS = `${CONDITION_BODY_BYTES / (1024 * 1024)} MiB`;

/** BodyView decodes the kept body, and parses it as JSON, once, on first use. */
class BodyView {
  readonly #facts: ConditionFacts;
  #text: string | undefined = undefined;
  #json: Resolved | undefined = undefined;

  constructor(facts: ConditionFacts) {
    this.#facts = facts;
  }

  /** text is the body as UTF-8 (invalid bytes become U+FFFD; a leading BOM is dropped). */
  text(): string {
    this.#text ??= decoder.decode(this.#facts.body ?? EMPTY);
    return this.#text;
  }

  json(): Resolved {
    this.#json ??= this.#parse();
    return this.#json;
  }

  #parse(): Resolved {
    // A cut JSON document is no document: do not spend a parse to find that out.
    if (this.#facts.bodyTruncated === true) {
      return { missing: `the body is over ${WINDOW_WORDS}, too long to read as JSON` };
    }
    const text = this.text();
    if (text === "") return { missing: "the body is empty, not JSON" };
    if (tooManyContainers(text)) {
      const limit = MAX_JSON_CONTAINERS.toLocaleString("en-US");
      return { missing: `the body holds over ${limit} JSON arrays and objects, too many to read` };
    }
    try {
      return { value: JSON.parse(text) };
    } catch {
      // Whatever JSON.parse objects to (syntax, or nesting too deep for it), it is no JSON.
      return { missing: `the body is not JSON: it begins ${quote(text, 40)}` };
    }
  }
}

/** preview words a value for a failure: quoted text, a number, or the kind of a structure. */
function preview(value: unknown, operand: Operand): string {
  if (typeof value === "string") return quote(value);
  if (typeof value === "number") {
    return operand.kind === "response_time" ? `${value.toFixed(1)} ms` : String(value);
  }
  if (Array.isArray(value)) return `an array of ${items(value.length)}`;
  return value === null || typeof value === "boolean" ? String(value) : kindOf(value);
}
