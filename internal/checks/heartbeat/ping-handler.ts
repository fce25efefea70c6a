import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type pg from "pg";
import type { AlertHandOut } from "../../alerts/hand-out.js";
import type { Logger } from "../../core/logger.js";
import type { StreamPublisher } from "../../stream/publisher.js";
import { createPingApplier } from "./ping-applier.js";
import { hasBody, MAX_PING_BODY_BYTES, readPingBody } from "./ping-body.js";
import { createPingQueue } from "./ping-queue.js";
import { PING_PATH_PREFIX, parsePingPath } from "./ping-request.js";
import { createPingTargets, type PingTargetsOptions } from "./ping-targets.js";
import { TokenBuckets } from "./token-buckets.js";

/**
 * PING_RATE_PER_SECOND and PING_BURST limit the pings of one monitor, per API process: a job
 * pings once a run (twice with /start), at most every 10 s (the shortest period), so 20 at once
 * and 10 a second after that is far above any honest use, and keeps a runaway loop to 10
 * stored results a second.
 */
export const PING_RATE_PER_SECOND = 10;
/** PING_BURST: see PING_RATE_PER_SECOND. */
export const PING_BURST = 20;
/** PING_RATE_KEYS bounds the monitors whose buckets are kept (~100 bytes each). */
export const PING_RATE_KEYS = 10_000;
/**
 * PING_CLIENT_RATE_PER_SECOND and PING_CLIENT_BURST limit one client's pings (by address, per
 * API process), checked before the token is looked up: a flood of made-up tokens, each a query
 * when first seen, must not queue ahead of every other organization's pings. 200 at once is a
 * host whose cron jobs of 200 monitors all end in the same second.
 */
export const PING_CLIENT_RATE_PER_SECOND = 50;
/** PING_CLIENT_BURST: see PING_CLIENT_RATE_PER_SECOND. */
export const PING_CLIENT_BURST = 200;

/** PingHandlerDeps are what the ping endpoint uses; the caller owns the pool and Redis. */
export interface PingHandlerDeps {
  pool: Pick<pg.Pool, "query" | "connect">;
  /** REGION of this process, recorded on each ping's result. */
  region: string;
  /** Publishes stored results live, like a worker's. */
  publisher?: Pick<StreamPublisher, "publishCheckResults">;
  /** Takes the alert events a batch decided (a fail ping turning a monitor DOWN). */
  handOut?: AlertHandOut;
  log: Logger;
  /** Epoch ms; Date.now by default. */
  now?: () => number;
  /** See DEFAULT_PING_BATCH_MS (ping-queue.ts). */
  batchDelayMs?: number;
  /**
   * Whether a monitor is in a maintenance window at an instant (internal/maintenance's index):
   * its pings are stored marked, alerting on nothing. None: no ping is marked.
   */
  inMaintenance?: (monitorId: string, atMs: number) => boolean;
  /** PING_RATE_PER_SECOND and PING_BURST unless given. */
  rate?: { perSecond: number; burst: number };
  /**
   * Who sent a request (the client's address, as the API's other per-IP limits key it); its
   * pings are limited to PING_CLIENT_RATE_PER_SECOND, or clientRate. None: no per-client limit.
   */
  clientKey?: (req: IncomingMessage) => string;
  clientRate?: { perSecond: number; burst: number };
  targets?: PingTargetsOptions;
}

/** PingHandler serves the ping endpoint. */
export interface PingHandler {
  /**
   * handle answers a request whose path is under /ping/ and returns true; false, having done
   * nothing, for any other path.
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /**
   * close queues the pings pending, applies the inbox and stops; the server has stopped taking
   * requests.
   */
  close(): Promise<void>;
}

// Every answer: short text for curl and wget, never cached by anything in between.
const TEXT_HEADERS = {
  "content-type": "text/plain; charset=utf-8",
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
} as const;

/**
 * createPingHandler serves GET or POST /ping/<token> (the job succeeded), /ping/<token>/fail
 * (it failed) and /ping/<token>/start (it started), to anyone holding the token: no other
 * credentials, as in a cron line. A token is looked up once per PING_TOKEN_TTL_MS
 * (ping-targets.ts); an unknown one gets 404; pings beyond the monitor's rate get 429 with
 * Retry-After; a paused monitor's pings get 200 "paused, ping ignored" and store nothing. The
 * body's first MAX_PING_BODY_BYTES are kept as the result's answer (the rest is not read, and
 * the connection is closed). "OK" is answered only once the ping is committed to the inbox
 * (ping-queue.ts: one statement): a job that saw it knows its ping counts; on a storage failure
 * it gets 503 and may retry. Its effect (result, deadline, status, alerts) is applied right
 * after (ping-applier.ts), within milliseconds, and by a worker's sweeper should this process
 * die first.
 */
export function createPingHandler(deps: PingHandlerDeps): PingHandler {
  const { log } = deps;
  const now = deps.now ?? Date.now;
  const targets = createPingTargets(deps.pool, { now, ...deps.targets });
  const buckets = new TokenBuckets({
    ratePerSecond: deps.rate?.perSecond ?? PING_RATE_PER_SECOND,
    burst: deps.rate?.burst ?? PING_BURST,
    maxKeys: PING_RATE_KEYS,
    now,
  });
  const clients = new TokenBuckets({
    ratePerSecond: deps.clientRate?.perSecond ?? PING_CLIENT_RATE_PER_SECOND,
    burst: deps.clientRate?.burst ?? PING_CLIENT_BURST,
    maxKeys: PING_RATE_KEYS,
    now,
  });
  const applier = createPingApplier({
    pool: deps.pool,
    publisher: deps.publisher,
    handOut: deps.handOut,
    inMaintenance: deps.inMaintenance,
    log,
    now,
  });
  const queue = createPingQueue({
    pool: deps.pool,
    region: deps.region,
    log,
    batchDelayMs: deps.batchDelayMs,
    // After the answers of the batch have been written (they resolve in microtasks): applying
    // is not what they wait for.
    onQueued: () => setImmediate(applier.kick),
  });

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const arrivedMs = now();
    if (req.method !== "GET" && req.method !== "POST") {
      answer(req, res, 405, "use GET or POST\n", { allow: "GET, POST" });
      return;
    }
    const client = deps.clientKey?.(req);
    const byClient = client === undefined ? undefined : clients.take(client);
    if (byClient && !byClient.ok) {
      const seconds = Math.max(1, Math.ceil(byClient.retryAfterMs / 1000));
      answer(req, res, 429, "too many pings from this address\n", {
        "retry-after": String(seconds),
      });
      return;
    }
    const parsed = parsePingPath(req.url ?? "");
    const target = parsed && (await targets.find(parsed.token));
    if (!parsed || !target) {
      answer(req, res, 404, "not found\n");
      return;
    }
    const take = buckets.take(target.monitorId);
    if (!take.ok) {
      const seconds = Math.max(1, Math.ceil(take.retryAfterMs / 1000));
      answer(req, res, 429, "too many pings\n", { "retry-after": String(seconds) });
      return;
    }
    if (!target.enabled) {
      answer(req, res, 200, "paused, ping ignored\n");
      return;
    }
    const body = hasBody(req) ? await readPingBody(req) : { text: "", truncated: false };
    // The client went away mid-body: nobody would hear the answer, and the ping is incomplete.
    if (body === null) return;
    let outcome: Awaited<ReturnType<typeof queue.write>>;
    try {
      outcome = await queue.write({
        monitorId: target.monitorId,
        token: parsed.token,
        kind: parsed.kind,
        arrivedMs,
        body: body.text,
      });
    } catch {
      // The batch writer has logged why (Postgres away past its retries).
      answer(req, res, 503, "could not store the ping; try again\n");
      return;
    }
    // The cache said otherwise: the next ping of this token looks it up again.
    if (outcome !== "queued") targets.forget(parsed.token);
    if (outcome === "gone") answer(req, res, 404, "not found\n");
    else if (outcome === "paused") answer(req, res, 200, "paused, ping ignored\n");
    else answer(req, res, 200, "OK\n");
  };

  return {
    handle(req, res) {
      if (!req.url?.startsWith(PING_PATH_PREFIX)) return false;
      serve(req, res).catch((error: unknown) => {
        log.error("serving a ping failed", { error });
        if (!res.headersSent) answer(req, res, 500, "internal error\n");
        else res.end();
      });
      return true;
    },
    async close() {
      await queue.close();
      await applier.close();
    },
  };
}

/**
 * answer sends a short text answer. A body left unread that may be large (over the size
 * kept, or of unknown length) is not drained: the connection is closed after the answer.
 */
function answer(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  text: string,
  extra: OutgoingHttpHeaders = {},
): void {
  const headers: OutgoingHttpHeaders = {
    ...TEXT_HEADERS,
    ...extra,
    "content-length": Buffer.byteLength(text),
  };
  if (!req.complete && mayBeLarge(req)) headers.connection = "close";
  res.writeHead(status, headers);
  res.end(text);
}

/** mayBeLarge says whether a request's body may be over what a ping keeps. */
function mayBeLarge(req: IncomingMessage): boolean {
  if (!hasBody(req)) return false;
  const length = Number(req.headers["content-length"]);
  return !(length <= MAX_PING_BODY_BYTES);
}
