import { LABEL_KEY_PATTERN, LABEL_KEY_RULE, MAX_LABEL_VALUE_LENGTH, MAX_LABELS } from "./ids.js";

// Printable: no C0 or C1 control characters (a label ends up in logs, alerts and the UI).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** labelKeyProblem says what is wrong with a label key, or undefined when it is valid. */
export function labelKeyProblem(key: string): string | undefined {
  return LABEL_KEY_PATTERN.test(key) ? undefined : `must be ${LABEL_KEY_RULE}`;
}

/** labelValueProblem says what is wrong with a label value, or undefined when it is valid. */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > MAX_LABEL_VALUE_LENGTH)
    return `must be at most ${MAX_LABEL_VALUE_LENGTH} characters`;
  if (CONTROL.test(value)) return "must be printable (no control characters)";
  return undefined;
}

/**
 * labelSetProblem checks a whole set of labels (at most MAX_LABELS, every key and value valid)
 * and answers the first problem as [the label's key, what is wrong] — the key is '' when the
 * problem is the count — or undefined when the set is valid. Callers word it for their input
 * (a variable of the agent, a field of a request).
 */
export function labelSetProblem(
  labels: Readonly<Record<string, string>>,
): [key: string, problem: string] | undefined {
  const keys = Object.keys(labels);
  if (keys.length > MAX_LABELS) return ["", `must hold at most ${MAX_LABELS} labels`];
  for (const key of keys) {
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) return [key, `key ${JSON.stringify(key)} ${keyProblem}`];
    const valueProblem = labelValueProblem(labels[key] ?? "");
    if (valueProblem) return [key, `value of ${JSON.stringify(key)} ${valueProblem}`];
  }
  return undefined;
}

/**
 * parseLabelList reads "k=v,k2=v2" (AGENT_LABELS) into a set of labels. Spaces around keys and
 * values are dropped, an empty text is no labels, a key given twice keeps its last value. It
 * throws an Error saying which item is wrong (the caller names the variable); the set is
 * checked with labelSetProblem.
 */
export function parseLabelList(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  if (text.trim() === "") return labels;
  const items = text.split(",");
  items.forEach((item, i) => {
    const eq = item.indexOf("=");
    if (eq < 0) throw new Error(`item ${i + 1} ${JSON.stringify(item.trim())} is not key=value`);
    const key = item.slice(0, eq).trim();
    // Checked before it is used as a property name ("__proto__" is not a key).
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) throw new Error(`item ${i + 1}: key ${JSON.stringify(key)} ${keyProblem}`);
    labels[key] = item.slice(eq + 1).trim();
  });
  const problem = labelSetProblem(labels);
  if (problem) throw new Error(problem[1]);
  return labels;
}
