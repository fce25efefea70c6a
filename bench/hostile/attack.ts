import http from "node:http";

/** Answer is how one request went: its status (0: no answer) and how long it took. */
export interface Answer {
  status: number;
  ms: number;
}

/**
 * postOnce POSTs `body` (its length declared, or chunked: no Content-Length) and resolves when
 * the answer has been read or the exchange failed; `timeoutMs` bounds it. Writing on after an
 * answer (EPIPE once the server closed) is not a failure.
 */
export function postOnce(
  url: string,
  body: Buffer,
  headers: Record<string, string>,
  timeoutMs: number,
  chunked = false,
): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve) => {
    let status = 0;
    const done = () => resolve({ status, ms: performance.now() - started });
    const req = http.request(url, {
      method: "POST",
      agent: false,
      headers: chunked ? headers : { ...headers, "content-length": String(body.length) },
      timeout: timeoutMs,
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => {
      if (status === 0) done();
    });
    req.on("response", (res) => {
      status = res.statusCode ?? 0;
      res.resume();
      res.on("end", done);
      res.on("error", done);
    });
    // A write before end() makes Node send it chunked; end(body) alone would declare a length.
    if (chunked) req.write(body);
    req.end(chunked ? undefined : body);
  });
}

/** getOnce GETs url on a fresh connection, as an orchestrator's probe would. */
export function getOnce(url: string, timeoutMs: number): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }),
      );
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve({ status: 0, ms: performance.now() - started }));
  });
}

/** percentile of already sorted values (nearest rank); NaN for none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

/** summary says n, p50, p99 and max of latencies in ms. */
export function summary(values: readonly number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const f = (v: number) => (Number.isNaN(v) ? "–" : v < 10 ? v.toFixed(1) : v.toFixed(0));
  return `n=${sorted.length} p50=${f(percentile(sorted, 50))} ms p99=${f(percentile(sorted, 99))} ms max=${f(sorted.at(-1) ?? Number.NaN)} ms`;
}
