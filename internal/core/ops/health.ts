import type { Logger } from "../logger.js";

/** Probe answers whether one dependency is usable; it rejects or returns false when not. */
export type Probe = () => Promise<unknown>;

const PROBE_TIMEOUT_MS = 2000;
// A dependency that stays down is logged again this often, not at every probe.
const LOG_EVERY_MS = 10_000;

/** The parts of an HTTP/1 or HTTP/2 request and response the health handler uses. */
interface HealthRequest {
  url?: string;
}
interface HealthResponse {
  writeHead(status: number, headers: Record<string, string>): unknown;
  end(body: string): unknown;
}

/** A probe's outcome: undefined when it answered, else why not, for the log only. */
type Outcome = { timedOut: boolean; cause: unknown } | undefined;

/**
 * createHealthHandler serves /healthz (the process is alive) and /readyz (every dependency
 * answers; otherwise 503 naming the ones that failed). Returns false for other paths. Both
 * answer anyone, so a failure is told by name only (`{"failed":{"postgres":"failed"}}`): its
 * cause, which may carry host names, users or driver internals, goes to `log` (every process
 * passes its own; only tests leave it out). Requests that arrive while a round of probes runs
 * share it, so a flood of /readyz costs at most one query at a time.
 */
export function createHealthHandler(probes: Record<string, Probe>, log?: Pick<Logger, "warn">) {
  const lastLogged = new Map<string, number>();
  let round: Promise<(readonly [string, Outcome])[]> | undefined;
  const probeAll = async () => {
    const outcomes = await Promise.all(
      Object.entries(probes).map(async ([name, probe]) => [name, await run(probe)] as const),
    );
    const now = Date.now();
    for (const [name, outcome] of outcomes) {
      if (outcome === undefined) {
        lastLogged.delete(name);
      } else if (now - (lastLogged.get(name) ?? Number.NEGATIVE_INFINITY) >= LOG_EVERY_MS) {
        lastLogged.set(name, now);
        log?.warn("not ready: a dependency failed its probe", {
          dependency: name,
          error: outcome.cause,
        });
      }
    }
    return outcomes;
  };
  return async (req: HealthRequest, res: HealthResponse): Promise<boolean> => {
    const path = req.url?.split("?")[0];
    if (path === "/healthz") {
      send(res, 200, { status: "ok" });
      return true;
    }
    if (path !== "/readyz") return false;
    round ??= probeAll().finally(() => {
      round = undefined;
    });
    const failed: Record<string, string> = {};
    for (const [name, outcome] of await round) {
      if (outcome) failed[name] = outcome.timedOut ? "timed out" : "failed";
    }
    const names = Object.keys(failed);
    if (names.length === 0) {
      send(res, 200, { status: "ready" });
    } else {
      send(res, 503, {
        status: "unavailable",
        failed,
        message: `not ready: ${names.join(", ")} unavailable`,
      });
    }
    return true;
  };
}

async function run(probe: Probe): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = Symbol("timed out");
  const timeout = new Promise<typeof timedOut>((resolve) => {
    timer = setTimeout(() => resolve(timedOut), PROBE_TIMEOUT_MS);
  });
  try {
    const answer = await Promise.race([probe(), timeout]);
    if (answer === timedOut) {
      return { timedOut: true, cause: new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`) };
    }
    return answer === false
      ? { timedOut: false, cause: new Error("the probe said no") }
      : undefined;
  } catch (error) {
    return { timedOut: false, cause: error };
  } finally {
    clearTimeout(timer);
  }
}

function send(res: HealthResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}
