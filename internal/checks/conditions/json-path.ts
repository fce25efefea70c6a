import { quote } from "./quote.js";
import type { PathStep } from "./types.js";

/** Resolved is a value an operand read, or why there is none. */
export type Resolved = { readonly value: unknown } | { readonly missing: string };

/**
 * resolvePath walks `steps` from `root`, a value JSON.parse made. Keys are looked up as own
 * properties only, so `$.constructor` finds nothing rather than Object's. `.length` is an
 * object's "length" key when it has one, else the length of an array or a string.
 */
export function resolvePath(root: unknown, rootName: string, steps: readonly PathStep[]): Resolved {
  let value = root;
  for (let i = 0; i < steps.length; i += 1) {
    const step = steps[i] as PathStep; // i < steps.length
    const next = take(value, step);
    if (next === NOTHING) return { missing: whyMissing(value, step, pathText(rootName, steps, i)) };
    value = next;
  }
  return { value };
}

/** NOTHING marks a step that found nothing (undefined is no JSON value, but be explicit). */
const NOTHING = Symbol("nothing");

function take(value: unknown, step: PathStep): unknown {
  switch (step.kind) {
    case "key":
      if (isObject(value)) return Object.hasOwn(value, step.key) ? value[step.key] : NOTHING;
      return step.key === "length" ? lengthOf(value) : NOTHING;
    case "index":
      return Array.isArray(value) && step.index < value.length ? value[step.index] : NOTHING;
    case "length":
      return lengthOf(value);
  }
}

function lengthOf(value: unknown): number | typeof NOTHING {
  if (Array.isArray(value)) return value.length;
  if (typeof value === "string") return characters(value);
  return NOTHING;
}

/** characters counts code points: "é" and "😀" are one each, as a reader counts them. */
function characters(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function whyMissing(value: unknown, step: PathStep, at: string): string {
  switch (step.kind) {
    case "key":
      if (isObject(value)) return `${at} has no key ${quote(step.key, 40)}`;
      return `${at} is ${kindOf(value)}, not an object`;
    case "index":
      if (Array.isArray(value)) return `${at} has ${items(value.length)}, no [${step.index}]`;
      return `${at} is ${kindOf(value)}, not an array`;
    case "length":
      return `${at} is ${kindOf(value)}, which has no length`;
  }
}

/** kindOf names a JSON value's type with its article: "an array", "null". */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "string":
      return "a string";
    case "number":
      return "a number";
    case "boolean":
      return "a boolean";
    default:
      return "an object";
  }
}

/** items words a count of array items: "1 item", "3 items". */
export function items(n: number): string {
  return n === 1 ? "1 item" : `${n} items`;
}

/** pathText writes the first `n` steps as a path: `$.items[0]`, `[BODY].data["a b"]`. */
function pathText(root: string, steps: readonly PathStep[], n: number): string {
  let text = root;
  for (const step of steps.slice(0, n)) {
    if (step.kind === "index") text += `[${step.index}]`;
    else if (step.kind === "length") text = `len(${text})`;
    else text += /^[A-Za-z0-9_-]+$/.test(step.key) ? `.${step.key}` : `[${quote(step.key, 40)}]`;
  }
  return text;
}
