import type { IncomingMessage } from "node:http";

/**
 * MAX_PING_BODY_BYTES is how much of a ping's body is read and kept (CheckResult.answer: "at
 * most 10 KB"): a job's last lines of output. The rest is not read.
 */
export const MAX_PING_BODY_BYTES = 10_000;

/** PingBody is what was read of a ping's body. */
export interface PingBody {
  text: string;
  /** The body was longer: the rest was left unread (the connection is then closed). */
  truncated: boolean;
}

/**
 * hasBody says whether a request announces a body: a Content-Length above 0, or chunks. A GET
 * ping has none, and reading it can be skipped.
 */
export function hasBody(req: Pick<IncomingMessage, "headers">): boolean {
  const length = req.headers["content-length"];
  if (length !== undefined) return length !== "0";
  return req.headers["transfer-encoding"] !== undefined;
}

/**
 * readPingBody reads at most maxBytes of a request's body and stops there, accepting the ping
 * with what it has rather than refusing a job whose output ran long (a 413 would lose the ping
 * itself). Resolves null when the client went away before the end of what was to be read. How
 * long the read may take is the server's requestTimeout (cmd/api's SERVER_TIMEOUTS).
 */
export function readPingBody(
  req: IncomingMessage,
  maxBytes = MAX_PING_BODY_BYTES,
): Promise<PingBody | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (body: PingBody | null) => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onGone);
      req.off("close", onGone);
      resolve(body);
    };
    const onData = (chunk: Buffer) => {
      const room = maxBytes - size;
      chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
      size += Math.min(chunk.length, room);
      if (chunk.length > room) {
        // Enough: the rest stays unread, and the answer closes the connection.
        req.pause();
        finish({ text: cleanPingBody(Buffer.concat(chunks)), truncated: true });
      }
    };
    const onEnd = () => finish({ text: cleanPingBody(Buffer.concat(chunks)), truncated: false });
    const onGone = () => finish(null);
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onGone);
    req.on("close", onGone);
  });
}

// C0 controls but \t and \n, DEL and C1 controls: a NUL cannot be stored (Postgres text), and
// the others garble the dashboard and alert messages that show the body.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * cleanPingBody decodes a body as UTF-8 (invalid sequences become U+FFFD; a sequence cut at the
 * end by the size bound is dropped) and strips control characters but \n and \t (so \r\n
 * becomes \n).
 */
export function cleanPingBody(bytes: Uint8Array): string {
  // stream: true keeps an incomplete last sequence back instead of decoding it as U+FFFD.
  const text = new TextDecoder("utf-8").decode(bytes, { stream: true });
  return text.replace(CONTROL, "");
}
