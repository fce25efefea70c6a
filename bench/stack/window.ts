import type { Redis } from "ioredis";
import type pg from "pg";
import {
  machineCpu,
  processCpuMs,
  processLoopWakeups,
  processRssMb,
} from "../checks/proc-stats.js";
import { createPostgresMeter, type PostgresCpu } from "./postgres-cpu.js";
import {
  type CommandStats,
  type DatabaseStats,
  databaseStats,
  redisCommandStats,
  redisLocalPid,
} from "./server-stats.js";

/** WindowDeps are what a measurement window reads: the processes and both servers. */
export interface WindowDeps {
  /** Every worker process: their CPU and memory are counted together as "worker". */
  workerPids: number[];
  apiPid: number;
  /** Remote probes (bench:regions): their CPU and memory are counted together as "probe". */
  probePids?: number[];
  /** A connection to another database of the server than `database`. */
  admin: pg.Client;
  database: string;
  redis: Redis;
  targetOrigin: string;
  /** Rejects when the stack breaks: the window ends with it. */
  died: Promise<never>;
  progress: (line: string) => void;
}

/** WindowMeasure is what happened during the window, before dividing by checks. */
export interface WindowMeasure {
  t0: Date;
  t1: Date;
  seconds: number;
  cpuMs: { worker: number; api: number; probe: number; redis: number | null };
  postgres: PostgresCpu;
  machineBusy: number;
  rssMb: { worker: number; api: number; probe: number };
  /** Wake-ups of the workers' and the API's event loops (processLoopWakeups). */
  wakeups: { worker: number; api: number };
  commands: { before: CommandStats; after: CommandStats };
  database: { before: DatabaseStats; after: DatabaseStats };
  /** The target's arrivals, flat [monitor number, epoch ms, …]. */
  arrivals: number[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * measureWindow takes every counter, waits `seconds` (sampling Postgres's processes each second,
 * a progress line every 10 s), takes them again and returns both. It queries nothing in the
 * bench's database during the window, so that the bench's own reads are not counted.
 */
export async function measureWindow(deps: WindowDeps, seconds: number): Promise<WindowMeasure> {
  const workersCpuMs = () => deps.workerPids.reduce((sum, pid) => sum + processCpuMs(pid), 0);
  const workersWakeups = () =>
    deps.workerPids.reduce((sum, pid) => sum + processLoopWakeups(pid), 0);
  const probePids = deps.probePids ?? [];
  const probesCpuMs = () => probePids.reduce((sum, pid) => sum + processCpuMs(pid), 0);
  const postgres = createPostgresMeter(deps.admin, deps.database);
  const redisPid = await redisLocalPid(deps.redis);
  const redisCpu = () => (redisPid === undefined ? 0 : processCpuMs(redisPid));
  await fetchOk(`${deps.targetOrigin}/__record/start`);

  // Backends report their counters at most once a second: both ends lag alike, so the
  // deltas still span one window's length.
  const snapshot = async () => ({
    worker: workersCpuMs(),
    api: processCpuMs(deps.apiPid),
    workerWakeups: workersWakeups(),
    apiWakeups: processLoopWakeups(deps.apiPid),
    probe: probesCpuMs(),
    redis: redisCpu(),
    machine: machineCpu(),
    commands: await redisCommandStats(deps.redis),
    database: await databaseStats(deps.admin, deps.database),
  });
  const t0 = new Date();
  const start = await snapshot();
  await postgres.start();
  for (let s = 1; s <= seconds; s++) {
    await Promise.race([sleep(t0.getTime() + s * 1000 - Date.now()), deps.died]);
    await postgres.sample();
    if (s % 10 === 0 || s === seconds) {
      const cores = (now: number, from: number) => ((now - from) / 1000 / s).toFixed(2);
      deps.progress(
        `window ${s}/${seconds} s: worker ${cores(workersCpuMs(), start.worker)} cores, api ${cores(processCpuMs(deps.apiPid), start.api)}, postgres ${(postgres.read().oursMs / 1000 / s).toFixed(2)}`,
      );
    }
  }
  const t1 = new Date();
  const end = await snapshot();
  const arrivals = (await (await fetchOk(`${deps.targetOrigin}/__record/stop`)).json()) as number[];

  return {
    t0,
    t1,
    seconds: (t1.getTime() - t0.getTime()) / 1000,
    cpuMs: {
      worker: end.worker - start.worker,
      api: end.api - start.api,
      probe: end.probe - start.probe,
      redis: redisPid === undefined ? null : end.redis - start.redis,
    },
    postgres: postgres.read(),
    machineBusy:
      1 - (end.machine.idle - start.machine.idle) / (end.machine.total - start.machine.total),
    rssMb: {
      worker: deps.workerPids.reduce((sum, pid) => sum + processRssMb(pid), 0),
      api: processRssMb(deps.apiPid),
      probe: probePids.reduce((sum, pid) => sum + processRssMb(pid), 0),
    },
    wakeups: {
      worker: end.workerWakeups - start.workerWakeups,
      api: end.apiWakeups - start.apiWakeups,
    },
    commands: { before: start.commands, after: end.commands },
    database: { before: start.database, after: end.database },
    arrivals,
  };
}

async function fetchOk(url: string): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response;
}
