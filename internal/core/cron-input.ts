import { CronExpressionParser } from "cron-parser";
import { InvalidArgumentError } from "./errors.js";

// A hashed field ("H", "H/5", "H(0-29)") would resolve differently in each process without a
// shared seed; plain cron has no need of it.
const HASHED_FIELD = /(^|[,\s])H(?![A-Za-z])/i;

/**
 * requireCronExpression returns a five-field cron expression (minute hour day-of-month month
 * day-of-week) trimmed, or throws naming the field: too long, another number of fields, hashed
 * fields, or one cron-parser refuses or that never fires (30 February) in the time zone.
 */
export function requireCronExpression(
  field: string,
  raw: string,
  timezone: string,
  maxLength: number,
): string {
  const expression = raw.trim();
  if (expression.length === 0 || expression.length > maxLength)
    throw new InvalidArgumentError(field, `must be 1–${maxLength} characters`);
  // Five fields, minute first: occurrences are then whole minutes, at least 1 minute apart (a
  // sixth, seconds field is what would allow closer ones).
  if (expression.split(/\s+/).length !== 5)
    throw new InvalidArgumentError(
      field,
      "must have five fields: minute hour day-of-month month day-of-week",
    );
  if (HASHED_FIELD.test(expression))
    throw new InvalidArgumentError(field, "must not use hashed (H) fields");
  try {
    CronExpressionParser.parse(expression, { tz: timezone }).next();
  } catch (error) {
    const reason = error instanceof Error ? error.message.slice(0, 200) : "it does not parse";
    throw new InvalidArgumentError(field, `is not a valid cron expression: ${reason}`);
  }
  return expression;
}
