// The launcher behind `npm start`: fills in embedded defaults for what is not configured, then
// runs the API and the worker as two supervised processes.
import { dirname, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../../internal/config/config.js";
import { configOrExit } from "../../internal/config/or-exit.js";
import { createLogger } from "../../internal/core/logger.js";
import {
  type RunningService,
  startEmbeddedPostgres,
} from "../../internal/launcher/embedded-postgres.js";
import { redisAnswers, startPrivateRedis } from "../../internal/launcher/private-redis.js";
import { supervise } from "../../internal/launcher/supervisor.js";
import { onShutdown } from "../../internal/lifecycle/shutdown.js";

const self = fileURLToPath(import.meta.url);
const here = dirname(self);
// main.js when built, main.ts under tsx (tests): the children are run the same way.
const ext = extname(self);

const config = configOrExit("pulsar", () => loadConfig());
const log = createLogger("pulsar", config.LOG_LEVEL);
const stateDir = resolve(config.PULSAR_STATE_DIR);
const started: RunningService[] = [];
const env: NodeJS.ProcessEnv = { ...process.env };

const stopStarted = async () => {
  for (const service of started.reverse()) await service.stop().catch(() => {});
};

if (!config.DATABASE_URL) {
  try {
    const postgres = await startEmbeddedPostgres(join(stateDir, "postgres"), log);
    started.push(postgres);
    env.DATABASE_URL = postgres.url;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(
      `pulsar: DATABASE_URL is unset and the embedded Postgres did not start: ${reason}\n`,
    );
    process.exit(1);
  }
}

if (!(await redisAnswers(config.REDIS_URL))) {
  try {
    const redis = await startPrivateRedis(join(stateDir, "redis"), log);
    started.push(redis);
    env.REDIS_URL = redis.url;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    process.stderr.write(
      missing
        ? `pulsar: no Redis answers at ${config.REDIS_URL} and redis-server is not on PATH: install Redis (e.g. apt-get install redis-server) or set REDIS_URL\n`
        : `pulsar: no Redis answers at ${config.REDIS_URL} and starting redis-server failed: ${String(error)}\n`,
    );
    await stopStarted();
    process.exit(1);
  }
}

const children = supervise(
  [
    { name: "api", script: join(here, `../api/main${ext}`) },
    { name: "worker", script: join(here, `../worker/main${ext}`) },
  ],
  env,
  log,
);
log.info("pulsar running", { url: `http://localhost:${config.PORT}` });

onShutdown(
  async () => {
    await children.stop();
    await stopStarted();
  },
  log,
  45_000,
);
