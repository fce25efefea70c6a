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

/**
 * AlreadyExistsError is a name unique on the installation (a status page's slug or domain) that
 * another row holds; the message names the field, never whose row holds it.
 */
export class AlreadyExistsError extends Error {
  override name = "AlreadyExistsError";
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field} ${problem}`);
  }
}

/** UnavailableError is a dependency (Postgres, Redis) that did not answer. */
export class UnavailableError extends Error {
  override name = "UnavailableError";
}

/** UnauthenticatedError is a request without valid credentials (none, forged, expired, revoked). */
export class UnauthenticatedError extends Error {
  override name = "UnauthenticatedError";
}

/** PermissionDeniedError is a caller who is known but may not do this. */
export class PermissionDeniedError extends Error {
  override name = "PermissionDeniedError";
}

/**
 * ResourceExhaustedError is a caller over a limit: a rate (retryAfterSeconds says when to try
 * again) or a quota (no retryAfterSeconds: waiting does not help). The message names the limit.
 */
export class ResourceExhaustedError extends Error {
  override name = "ResourceExhaustedError";
  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}
