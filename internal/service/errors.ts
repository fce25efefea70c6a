/** InvalidArgumentError is bad input; its message names the field, as the client wrote it. */
export class InvalidArgumentError extends Error {
  override name = "InvalidArgumentError";
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field} ${problem}`);
  }
}

/** NotFoundError is an id that names nothing the caller can see. */
export class NotFoundError extends Error {
  override name = "NotFoundError";
}

/** UnavailableError is a dependency (Postgres, Redis) that did not answer. */
export class UnavailableError extends Error {
  override name = "UnavailableError";
}
