/** Probe answers whether one dependency is usable; it rejects or returns false when not. */
export type Probe = () => Promise<unknown>;

const PROBE_TIMEOUT_MS = 2000;

/** The parts of an HTTP/1 or HTTP/2 request and response the health handler uses. */
interface HealthRequest {
  url?: string;
}
interface HealthResponse {
  writeHead(status: number, headers: Record<string, string>): unknown;
  end(body: string): unknown;
}

/**
 * createHealthHandler serves /healthz (the process is alive) and /readyz (every dependency
 * answers; otherwise 503 naming the ones that failed). Returns false for other paths.
 */
export function createHealthHandler(probes: Record<string, Probe>) {
  return async (req: HealthRequest, res: HealthResponse): Promise<boolean> => {
    const path = req.url?.split("?")[0];
    if (path === "/healthz") {
      send(res, 200, { status: "ok" });
      return true;
    }
    if (path !== "/readyz") return false;
    const checks = await Promise.all(
      Object.entries(probes).map(async ([name, probe]) => [name, await run(probe)] as const),
    );
    const failed = checks.filter(([, error]) => error !== undefined);
    if (failed.length === 0) {
      send(res, 200, { status: "ready" });
    } else {
      send(res, 503, {
        status: "unavailable",
        failed: Object.fromEntries(failed),
        message: `not ready: ${failed.map(([name]) => name).join(", ")} unavailable`,
      });
    }
    return true;
  };
}

async function run(probe: Probe): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)),
      PROBE_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([probe(), timeout]);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}

function send(res: HealthResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}
