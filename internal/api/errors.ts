import { randomUUID } from "node:crypto";
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import {
  AlreadyExistsError,
  InvalidArgumentError,
  NotFoundError,
  PermissionDeniedError,
  ResourceExhaustedError,
  UnauthenticatedError,
  UnavailableError,
} from "../core/errors.js";
import type { Logger } from "../core/logger.js";

/**
 * errorInterceptor is the one place domain errors become Connect errors. Anything unexpected
 * becomes an opaque `internal` carrying a request id, and its real cause is logged: SQL and
 * driver messages never reach a client.
 */
export function errorInterceptor(log: Logger): Interceptor {
  return (next) => async (req) => {
    try {
      return await next(req);
    } catch (error) {
      throw toConnectError(error, log, req.method.name);
    }
  };
}

/**
 * toConnectError maps a domain error to its Connect error (errorInterceptor, and the request
 * gate, whose refusals no interceptor sees).
 */
export function toConnectError(error: unknown, log: Logger, rpc: string): ConnectError {
  if (error instanceof ConnectError) return error;
  if (error instanceof InvalidArgumentError)
    return new ConnectError(error.message, Code.InvalidArgument);
  if (error instanceof NotFoundError) return new ConnectError(error.message, Code.NotFound);
  if (error instanceof AlreadyExistsError)
    return new ConnectError(error.message, Code.AlreadyExists);
  if (error instanceof UnauthenticatedError)
    return new ConnectError(error.message, Code.Unauthenticated);
  if (error instanceof PermissionDeniedError)
    return new ConnectError(error.message, Code.PermissionDenied);
  if (error instanceof ResourceExhaustedError) {
    // Sent as a response header too, so any HTTP client can honour it.
    const seconds = error.retryAfterSeconds;
    const metadata =
      seconds === undefined ? undefined : new Headers({ "retry-after": String(seconds) });
    return new ConnectError(error.message, Code.ResourceExhausted, metadata);
  }
  if (error instanceof UnavailableError || isConnectionFailure(error)) {
    log.warn("dependency unavailable", { rpc, error });
    return new ConnectError("a dependency is unavailable; try again shortly", Code.Unavailable);
  }
  const requestId = randomUUID();
  log.error("rpc failed", { rpc, requestId, error });
  return new ConnectError(`internal error (request id ${requestId})`, Code.Internal);
}

/** Postgres or Redis unreachable: the client may retry, so say `unavailable`, not `internal`. */
function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  return (
    code === "ECONNREFUSED" ||
    code === "ECONNRESET" ||
    code === "57P01" || // admin_shutdown: Postgres restarting
    code === "57P03" || // cannot_connect_now: Postgres starting up
    /Connection terminated|timeout exceeded when trying to connect/i.test(error.message)
  );
}
