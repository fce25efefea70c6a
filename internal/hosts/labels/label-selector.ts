import { InvalidArgumentError } from "../../core/errors.js";
import { labelKeyProblem, labelValueProblem } from "../../core/labels.js";

/** MAX_SELECTOR_TERMS bounds one label selector: as many terms as a host may carry labels. */
export const MAX_SELECTOR_TERMS = 20;
/** MAX_SELECTOR_LENGTH bounds the selector's text before it is split (20 long terms fit). */
export const MAX_SELECTOR_LENGTH = 4000;

/**
 * LabelTerm is one term of a label selector: `key=value` (equals), `key!=value` (not equal, or
 * no such label) or `key` (has the label, whatever its value).
 */
export type LabelTerm =
  | { op: "equals"; key: string; value: string }
  | { op: "notEquals"; key: string; value: string }
  | { op: "exists"; key: string };

/**
 * LabelSelector is a parsed selector: every term must hold. No terms selects every host.
 */
export interface LabelSelector {
  readonly terms: readonly LabelTerm[];
  /** matches says whether a host's labels (its effective ones) satisfy every term. */
  matches(labels: Readonly<Record<string, string>>): boolean;
}

/**
 * parseLabelSelector reads a selector such as "env=prod,role!=db,gpu": comma-separated terms,
 * spaces around them ignored, at most MAX_SELECTOR_TERMS, keys as LABEL_KEY_PATTERN and values
 * as label values (a value may not be empty: "env=" is more likely a typo than a search for an
 * empty label). An empty text selects everything. A bad term throws InvalidArgumentError naming
 * the field and the term's position: `labelSelector term 2 "env=" needs a value after "="`.
 */
export function parseLabelSelector(text: string, field = "labelSelector"): LabelSelector {
  if (text.length > MAX_SELECTOR_LENGTH) {
    throw new InvalidArgumentError(field, `must be at most ${MAX_SELECTOR_LENGTH} characters`);
  }
  const terms: LabelTerm[] = [];
  if (text.trim() !== "") {
    const parts = text.split(",");
    if (parts.length > MAX_SELECTOR_TERMS) {
      throw new InvalidArgumentError(field, `must have at most ${MAX_SELECTOR_TERMS} terms`);
    }
    parts.forEach((part, i) => {
      terms.push(
        parseTerm(part.trim(), (problem) => {
          const shown = JSON.stringify(part.trim());
          return new InvalidArgumentError(field, `term ${i + 1} ${shown} ${problem}`);
        }),
      );
    });
  }
  return { terms, matches: (labels) => terms.every((term) => holds(term, labels)) };
}

function parseTerm(term: string, fail: (problem: string) => Error): LabelTerm {
  if (term === "") throw fail("is empty (two commas in a row, or one at an end)");
  const ne = term.indexOf("!=");
  const eq = term.indexOf("=");
  let parsed: LabelTerm;
  if (ne >= 0 && ne < eq) {
    parsed = { op: "notEquals", key: term.slice(0, ne).trim(), value: term.slice(ne + 2).trim() };
  } else if (eq >= 0) {
    parsed = { op: "equals", key: term.slice(0, eq).trim(), value: term.slice(eq + 1).trim() };
  } else {
    parsed = { op: "exists", key: term };
  }
  const keyProblem = labelKeyProblem(parsed.key);
  if (keyProblem) throw fail(`has a key that ${keyProblem}`);
  if (parsed.op !== "exists") {
    const sign = parsed.op === "equals" ? "=" : "!=";
    if (parsed.value === "") throw fail(`needs a value after "${sign}"`);
    if (parsed.value.includes("=")) throw fail(`has more than one "${sign}"`);
    const valueProblem = labelValueProblem(parsed.value);
    if (valueProblem) throw fail(`has a value that ${valueProblem}`);
  }
  return parsed;
}

function holds(term: LabelTerm, labels: Readonly<Record<string, string>>): boolean {
  // Own properties only: a key never reaches the prototype ("constructor" is a valid key).
  const has = Object.hasOwn(labels, term.key);
  switch (term.op) {
    case "equals":
      return has && labels[term.key] === term.value;
    case "notEquals":
      return !has || labels[term.key] !== term.value;
    case "exists":
      return has;
  }
}

/**
 * effectiveLabels are the labels in force on a host: those set by UpdateHost when they were
 * (edited: not null), else the agent's AGENT_LABELS.
 */
export function effectiveLabels(
  edited: Readonly<Record<string, string>> | null | undefined,
  agent: Readonly<Record<string, string>>,
): Readonly<Record<string, string>> {
  return edited ?? agent;
}
