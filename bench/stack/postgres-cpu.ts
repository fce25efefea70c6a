import { readdirSync, readFileSync } from "node:fs";
import type pg from "pg";
import { processCpuMs } from "../checks/proc-stats.js";

/** The application_name the API and the worker give their pools (cmd/api, cmd/worker). */
const OUR_APPLICATIONS = ["pulsar-api", "pulsar-worker"];

/** PostgresCpu is CPU used by Postgres processes since PostgresCpuMeter.start, in ms. */
export interface PostgresCpu {
  /** The API's and the worker's backends in the bench's database. */
  oursMs: number;
  /** Background processes (checkpointer, walwriter, autovacuum, …): shared by every database. */
  otherMs: number;
  /** How many distinct backends of ours were seen. */
  backends: number;
  /** False when no postmaster was found in this machine's /proc (a remote server). */
  local: boolean;
}

/**
 * PostgresCpuMeter sums /proc CPU time of Postgres processes over a window. Backends come and
 * go (pools close idle connections), so it is sampled every second or so: a backend's CPU
 * counts from the window's start, or from zero when it appeared during the window, up to the
 * last time it was seen. Only works when Postgres runs on this machine.
 */
export interface PostgresCpuMeter {
  start(): Promise<void>;
  sample(): Promise<void>;
  read(): PostgresCpu;
}

/** PidClass says what a Postgres process is counted as; undefined: not counted (others' backends). */
type PidClass = "ours" | "other" | undefined;

/**
 * createPostgresMeter finds the bench's backends through pg_stat_activity (`database`, and the
 * API's or worker's application_name) over `admin`, a connection to another database (so the
 * meter's own backend is not one of them). "Other" is every child of the postmaster that is
 * not a client backend: background processes, whichever database they work for.
 */
export function createPostgresMeter(admin: pg.Client, database: string): PostgresCpuMeter {
  const base = new Map<number, number>();
  const last = new Map<number, number>();
  const classOf = new Map<number, PidClass>();
  let started = false;
  let local = false;

  const sample = async () => {
    const { rows } = await admin.query<{ pid: number; mine: boolean; client: boolean }>(
      `SELECT pid, datname = $1 AND application_name = ANY($2) AS mine,
              backend_type IN ('client backend', 'parallel worker') AS client
       FROM pg_stat_activity`,
      [database, OUR_APPLICATIONS],
    );
    const postmaster = postmasterOf(rows[0]?.pid ?? 0);
    if (postmaster !== 0) local = true;
    const known = new Map(rows.map((r) => [r.pid, r]));
    for (const pid of childrenOf(postmaster)) {
      const row = known.get(pid);
      const kind: PidClass =
        row === undefined || !row.client ? "other" : row.mine ? "ours" : undefined;
      if (kind === undefined) continue;
      const cpu = cpuOrUndefined(pid);
      if (cpu === undefined) continue;
      if (!base.has(pid)) base.set(pid, started ? 0 : cpu);
      classOf.set(pid, kind);
      last.set(pid, cpu);
    }
  };

  return {
    async start() {
      await sample();
      started = true;
    },
    sample,
    read() {
      const totals = { ours: 0, other: 0 };
      let backends = 0;
      for (const [pid, kind] of classOf) {
        if (kind === undefined) continue;
        totals[kind] += (last.get(pid) ?? 0) - (base.get(pid) ?? 0);
        if (kind === "ours") backends++;
      }
      return { oursMs: totals.ours, otherMs: totals.other, backends, local };
    },
  };
}

/** parentOf is a process's parent pid (field 4 of /proc/<pid>/stat), 0 when unreadable. */
function parentOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return 0;
  }
}

/**
 * postmasterOf is the parent of a backend when both are postgres processes of this machine;
 * 0 otherwise (a remote server's pid may be anything here).
 */
function postmasterOf(backend: number): number {
  const isPostgres = (pid: number) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, "utf8").startsWith("postgres");
    } catch {
      return false;
    }
  };
  if (backend === 0 || !isPostgres(backend)) return 0;
  const parent = parentOf(backend);
  return parent !== 0 && isPostgres(parent) ? parent : 0;
}

/** childrenOf lists the pids whose parent is `parent`, by reading every /proc/<pid>/stat. */
function childrenOf(parent: number): number[] {
  if (parent === 0) return [];
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => parentOf(pid) === parent);
}

function cpuOrUndefined(pid: number): number | undefined {
  try {
    return processCpuMs(pid);
  } catch {
    return undefined; // exited between listing and reading
  }
}
