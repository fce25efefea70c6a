import { spawn } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { Redis } from "ioredis";
import type { Logger } from "../core/logger.js";
import type { RunningService } from "./embedded-postgres.js";
import { freePort } from "./free-port.js";

/** redisAnswers reports whether a Redis server answers PING at url within a second. */
export async function redisAnswers(url: string): Promise<boolean> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on("error", () => {});
  try {
    await redis.connect();
    return (await redis.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/**
 * startPrivateRedis runs `redis-server` from PATH on a free port with append-only persistence
 * in `dataDir`. Rejects when redis-server is not installed.
 */
export async function startPrivateRedis(dataDir: string, log: Logger): Promise<RunningService> {
  await mkdir(dataDir, { recursive: true });
  const port = await freePort();
  const child = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dataDir,
      "--appendonly",
      "yes",
      "--save",
      "",
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.once("error", reject); // ENOENT: not installed
    child.once("spawn", resolve);
  });
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50 && !(await redisAnswers(url)); i++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  log.info("private Redis started", { port, dataDir });
  return {
    url,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
