/**
 * Conditions on HTTP checks: a small expression language (docs/conditions.md), parsed when a
 * monitor is saved and again, through a bounded cache, by the workers that evaluate it.
 */

export {
  type CompiledConditions,
  ConditionCache,
  compileConditions,
  DEFAULT_CACHE_ENTRIES,
} from "./compile.js";
export { evaluateConditions, needsBody, needsHeaders } from "./evaluate.js";
export { parseCondition } from "./parse.js";
export { ConditionSyntaxError } from "./syntax-error.js";
export {
  CONDITION_BODY_BYTES,
  type Condition,
  type ConditionFacts,
  type Literal,
  MAX_CONDITION_LENGTH,
  MAX_CONDITIONS,
  MAX_PATH_STEPS,
  type Operand,
  type Operator,
  type PathStep,
} from "./types.js";
