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
 * they are about ("monitor.url must use http or https"), which forms show beside that field;
 * every other answer (a quota, a rate, a conflict) is about the whole action, and forms show
 * it as is, below themselves. An answer without words of the server's (a proxy's error page)
 * is said in a sentence.
 */
export function problemOf(error: unknown): ApiProblem {
  const connect = ConnectError.from(error);
  const message = wordsOf(connect);
  const field =
    connect.code === Code.InvalidArgument ? /^([A-Za-z][\w.[\]]*) /.exec(message)?.[1] : undefined;
  return { code: connect.code, message, field };
}

/** isUnauthenticated tells whether the session is gone (expired, signed out elsewhere). */
export function isUnauthenticated(error: unknown): boolean {
  return ConnectError.from(error).code === Code.Unauthenticated;
}

/**
 * wordsOf is the message to show for an error. Connect says only "HTTP 413" when the answer
 * was not the API's (a reverse proxy refused the request, or stood in for an API that is down):
 * that becomes what it means to the person who acted.
 */
function wordsOf(error: ConnectError): string {
  const status = /^HTTP (\d{3})$/.exec(error.rawMessage)?.[1];
  if (status === undefined) return error.rawMessage;
  switch (status) {
    case "413":
      return "The request is larger than the server accepts.";
    case "429": {
      const seconds = Number(error.metadata.get("retry-after") ?? "");
      return Number.isInteger(seconds) && seconds > 0
        ? `Too many requests; try again in ${seconds} s.`
        : "Too many requests; try again shortly.";
    }
    case "502":
    case "503":
    case "504":
      return "The server is not answering; try again shortly.";
    default:
      return `The server refused the request (HTTP ${status}) without saying why.`;
  }
}
