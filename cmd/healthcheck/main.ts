// The image's HEALTHCHECK: the slim base image has no curl, so this GETs one URL with Node
// itself and exits 0 on 200, 1 on anything else, with one line saying which.
//
//   node dist/cmd/healthcheck/main.js                                 # the API: :PORT/healthz
//   node dist/cmd/healthcheck/main.js http://127.0.0.1:9464/healthz   # a worker's METRICS_PORT
import { get } from "node:http";
import { ConfigError, loadConfig } from "../../internal/config/config.js";

const TIMEOUT_MS = 3000;

const url = process.argv[2] ?? defaultUrl();
const outcome = await probe(url);
process.stdout.write(`${outcome.ok ? "healthy" : "unhealthy"}: ${url} ${outcome.detail}\n`);
process.exit(outcome.ok ? 0 : 1);

/** defaultUrl is the API's own /healthz on the port its configuration listens on. */
function defaultUrl(): string {
  try {
    return `http://127.0.0.1:${loadConfig().PORT}/healthz`;
  } catch (error) {
    const reason = error instanceof ConfigError ? error.message : String(error);
    process.stdout.write(`unhealthy: ${reason.replaceAll("\n", " ")}\n`);
    process.exit(1);
  }
}

/** probe GETs `target` once; ok only for a 200 within TIMEOUT_MS, headers and all. */
function probe(target: string): Promise<{ ok: boolean; detail: string }> {
  return new Promise((resolve) => {
    let request: ReturnType<typeof get>;
    try {
      request = get(target, (response) => {
        // Drain the body so the socket closes; only the status matters.
        response.resume();
        resolve({ ok: response.statusCode === 200, detail: `answered ${response.statusCode}` });
      });
    } catch (error) {
      resolve({ ok: false, detail: error instanceof Error ? error.message : String(error) });
      return;
    }
    // One deadline for the whole exchange (connect, headers): a socket idle timeout alone lets
    // a server that trickles bytes hold the check past Docker's own timeout.
    const deadline = setTimeout(
      () => request.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)),
      TIMEOUT_MS,
    );
    deadline.unref();
    request.on("error", (error) => resolve({ ok: false, detail: error.message }));
  });
}
