import { z } from "zod";
import { ConfigError, parseEnvironment } from "./parse-environment.js";

export { ConfigError };

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const schema = z.object({
  DATABASE_URL: z.string().url().optional(),
  REDIS_URL: z.string().url().default("redis://127.0.0.1:6379"),
  PORT: port.default(8080),
  CHECK_CONCURRENCY: positiveInt(1, 10_000).default(100),
  REGION: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "lowercase letters, digits and dashes")
    .default("local"),
  RETENTION_DAYS: positiveInt(1, 3650).default(90),
  /** How long a worker's claim on a job lasts without renewal: how soon the checks of a killed
   *  worker are handed to another. */
  JOB_LOCK_MS: positiveInt(1_000, 300_000).default(30_000),
  RECONCILE_INTERVAL_MS: positiveInt(1_000, 3_600_000).default(10_000),
  QUEUE_PREFIX: z.string().min(1).default("pulsar"),
  /** How often each worker samples its host (CPU, memory, disks, network, processes). */
  SAMPLE_INTERVAL_MS: positiveInt(500, 60_000).default(2000),
  HOST_RETENTION_DAYS: positiveInt(1, 3650).default(30),
  /** Overrides the host id derived from /etc/machine-id (clones of one image share theirs). */
  HOST_ID: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, "letters, digits, '.', '_', ':' or '-'")
    .optional(),
  /** Where `npm start` keeps the embedded Postgres and private Redis data. */
  PULSAR_STATE_DIR: z.string().min(1).default(".pulsar"),
  /** Refuse check targets that are not globally routable (for a public SaaS). Only "true" or
   *  "false": a typo such as "yes" must stop the process, not silently leave the gate open. */
  PULSAR_BLOCK_PRIVATE_TARGETS: z
    .enum(["true", "false"])
    .transform((value) => value === "true")
    .default(false),
  /** Who may sign up: anyone ("open"), or only people an admin invited ("closed"; the very
   *  first account of an installation can always be created). */
  PULSAR_SIGNUP: z.enum(["open", "closed"]).default("open"),
  /** Hosts sampled by workers without PULSAR_WORKER_TOKEN are shared read-only with every
   *  organization (a self-hosted install). A public SaaS sets false. */
  PULSAR_SHARED_HOSTS: z
    .enum(["true", "false"])
    .transform((value) => value === "true")
    .default(true),
  /** An organization's worker token (TOKEN_SCOPE_WORKER): this worker's host samples then
   *  belong to that organization instead of being shared. */
  PULSAR_WORKER_TOKEN: z
    .string()
    .regex(
      /^pulsar_worker_[A-Za-z0-9_-]{43}$/,
      "a worker token (pulsar_worker_…) from CreateApiToken",
    )
    .optional(),
  /** Trust X-Forwarded-For / X-Forwarded-Proto from a reverse proxy in front of the API (for
   *  per-IP rate limits and Secure cookies). Only behind a proxy that sets them. */
  PULSAR_TRUST_PROXY: z
    .enum(["true", "false"])
    .transform((value) => value === "true")
    .default(false),
  /** Where people reach the dashboard (https://pulsar.example.com): alerts link to the
   *  monitor's page there. Unset: alerts carry no link. */
  PUBLIC_URL: z
    .string()
    .url()
    .regex(/^https?:\/\//, "an http(s) URL")
    .optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  /** Where a worker serves /metrics, /healthz and /readyz (it has no other HTTP port). The API
   *  serves them on PORT. */
  METRICS_PORT: port.default(9464),
  /** When set, /metrics answers only `Authorization: Bearer <METRICS_TOKEN>` (a Prometheus
   *  scrape over the public port). Unset: /metrics is open, so keep it off the internet. */
  METRICS_TOKEN: z.string().min(16, "at least 16 characters").optional(),
});

/** CONFIG_VARIABLES names every variable the API and worker read (the README table lists them). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(schema.shape);

/** Config is the process configuration, parsed once from the environment and frozen. */
export type Config = Readonly<z.infer<typeof schema>>;

/**
 * loadConfig parses the environment. It is the only place that reads process.env for
 * settings; everything else receives the Config.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return parseEnvironment(schema, env);
}

/** requireDatabaseUrl returns DATABASE_URL or fails with a message saying how to set it. */
export function requireDatabaseUrl(config: Config): string {
  if (!config.DATABASE_URL) {
    throw new ConfigError(
      "DATABASE_URL is required (e.g. postgres://user@host:5432/db); `npm start` sets it for you",
    );
  }
  return config.DATABASE_URL;
}
