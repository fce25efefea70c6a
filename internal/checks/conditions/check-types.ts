import type { Cursor } from "./cursor.js";
import type { Literal, Operand, Operator } from "./types.js";

/** TypedParts are the pieces of a parsed condition, with where each began. */
export interface TypedParts {
  readonly c: Cursor;
  readonly operand: Operand;
  readonly operandText: string;
  readonly operator: Operator;
  readonly operatorAt: number;
  readonly value: Literal;
  readonly valueText: string;
  readonly valueAt: number;
}

const NUMBER_EXAMPLES: Partial<Record<Operand["kind"], string>> = {
  status: "200",
  response_time: "300",
  body_size: "1024",
  cert_days: "14",
};

/**
 * checkTypes refuses a condition that could never mean anything: a number operand compared
 * with text (`status == "OK"`, `cert_days > 14d`), ordering by true/false/null, looking for
 * true or null inside text, a boolean for a header. A typo then fails when the monitor is
 * saved instead of making it down forever.
 */
export function checkTypes(p: TypedParts): void {
  const { c, operand, operandText, operator, value, valueText } = p;
  const textOperator = operator.endsWith("contains") || operator.endsWith("with");
  const example = NUMBER_EXAMPLES[operand.kind];
  if (example !== undefined) {
    if (textOperator)
      throw c.error(`${operandText} is a number; ${operator} works on text`, p.operatorAt);
    const nullable = operand.kind === "cert_days" && (operator === "==" || operator === "!=");
    if (typeof value !== "number" && !(value === null && nullable)) {
      throw c.error(
        `${operandText} is a number; compare it with a number, such as ${example}`,
        p.valueAt,
      );
    }
    return;
  }
  if (textOperator && typeof value !== "string" && typeof value !== "number") {
    throw c.error(`${operator} looks for text or a number, not ${valueText}`, p.valueAt);
  }
  const ordering = operator.startsWith("<") || operator.startsWith(">");
  if (ordering && (typeof value === "boolean" || value === null)) {
    throw c.error(`${operator} compares numbers or text, not ${valueText}`, p.valueAt);
  }
  if ((operand.kind === "header" || operand.kind === "body") && typeof value === "boolean") {
    throw c.error(
      `${operandText} is text; write "${valueText}" to compare with the text`,
      p.valueAt,
    );
  }
  if (operand.kind === "body" && value === null) {
    throw c.error(`${operandText} is text, never null`, p.valueAt);
  }
}
