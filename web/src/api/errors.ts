import { Code, ConnectError } from "@connectrpc/connect";

/** ApiProblem is an RPC failure in the server's own words. */
export interface ApiProblem {
  code: Code;
  message: string;
  /** The request field the server named ("monitor.intervalSeconds"), if any. */
  field?: string;
}

/**
 * problemOf turns any error into the server's words. Validation errors start with the field
 * they are about ("monitor.url must use http or https"), which forms show beside that field.
 */
export function problemOf(error: unknown): ApiProblem {
  const connect = ConnectError.from(error);
  const message = connect.rawMessage;
  const field =
    connect.code === Code.InvalidArgument ? /^([A-Za-z][\w.[\]]*) /.exec(message)?.[1] : undefined;
  return { code: connect.code, message, field };
}

/** isUnauthenticated tells whether the session is gone (expired, signed out elsewhere). */
export function isUnauthenticated(error: unknown): boolean {
  return ConnectError.from(error).code === Code.Unauthenticated;
}
