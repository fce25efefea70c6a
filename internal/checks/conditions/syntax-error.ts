/**
 * ConditionSyntaxError is a condition that does not parse. `message` says what is wrong in
 * words (`expected an operator after "status"`) without the position; `position` is the
 * 0-based index, in characters (code points), where the problem was found.
 */
export class ConditionSyntaxError extends Error {
  override name = "ConditionSyntaxError";
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}
