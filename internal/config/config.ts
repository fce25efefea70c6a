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
  /** The region that checks monitors listing none (MonitorSpec.regions empty); the same in
   *  the API and every worker of an installation. Unset: this process's REGION, so that an
   *  installation whose workers all run with REGION=eu keeps checking its monitors. */
  DEFAULT_REGION: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "lowercase letters, digits and dashes")
    .optional(),
  RETENTION_DAYS: positiveInt(1, 3650).default(90),
  /** How long a worker's claim on a job lasts without renewal: how soon the checks of a killed
   *  worker are handed to another. */
  JOB_LOCK_MS: positiveInt(1_000, 300_000).default(30_000),
  RECONCILE_INTERVAL_MS: positiveInt(1_000, 3_600_000).default(10_000),
  /** How long a remote probe holds checks it took without extending them (the API's leases):
   *  how soon the checks of a probe that died go to another probe of its region (within 1.5 to
   *  2 times this). */
  PROBE_LEASE_MS: positiveInt(1_000, 600_000).default(30_000),
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
  /** Refuse check targets that are not globally routable. Only "true" or "false": a typo such
   *  as "yes" must stop the process, not silently leave the gate open. Unset: true when
   *  PULSAR_SIGNUP=open (strangers' monitors must not see inside), false when closed. */
  PULSAR_BLOCK_PRIVATE_TARGETS: z
    .enum(["true", "false"])
    .transform((value) => value === "true")
    .optional(),
  /** Who may sign up: anyone ("open"), or only people an admin invited ("closed", the default;
   *  the very first account of an installation can always be created). */
  PULSAR_SIGNUP: z.enum(["open", "closed"]).default("closed"),
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
  /** The largest request body (after decompression) any RPC but PushSamples reads. */
  PULSAR_MAX_REQUEST_BYTES: positiveInt(1024, 64 * 1024 * 1024).default(256 * 1024),
  // Quotas per organization (internal/quota): a request that would pass one is refused with
  // resource_exhausted naming it, and changes nothing.
  PULSAR_ORG_MAX_MONITORS: positiveInt(1, 1_000_000).default(10_000),
  PULSAR_ORG_MAX_CHANNELS: positiveInt(1, 10_000).default(50),
  PULSAR_ORG_MAX_HOST_RULES: positiveInt(1, 10_000).default(200),
  /** API and worker tokens together. */
  PULSAR_ORG_MAX_API_TOKENS: positiveInt(1, 10_000).default(50),
  PULSAR_ORG_MAX_AGENT_TOKENS: positiveInt(1, 100_000).default(1000),
  /** Hosts agents report under the organization. */
  PULSAR_ORG_MAX_HOSTS: positiveInt(1, 100_000).default(1000),
  /** Members and pending invitations together. */
  PULSAR_ORG_MAX_MEMBERS: positiveInt(1, 100_000).default(500),
  /** Public status pages (StatusPageService). */
  PULSAR_ORG_MAX_STATUS_PAGES: positiveInt(1, 10_000).default(20),
  /** Write RPCs (anything not marked NO_SIDE_EFFECTS in proto/) per organization per minute. */
  PULSAR_ORG_WRITES_PER_MINUTE: positiveInt(1, 1_000_000).default(600),
  /** Open live-stream connections per member (or API token), across every API process. */
  PULSAR_USER_MAX_STREAMS: positiveInt(1, 10_000).default(20),
  /** Checks of one organization a worker runs at once; its other checks wait (and are skipped
   *  once a whole interval late), nobody else's do. Unset: a quarter of CHECK_CONCURRENCY when
   *  PULSAR_SIGNUP=open, all of it when closed (one organization, or a few that trust each
   *  other). */
  CHECK_ORG_MAX_INFLIGHT: positiveInt(1, 10_000).optional(),
  /** DNS servers for checks, "host[:port]" separated by commas ("[::1]:53" for IPv6). Unset:
   *  the system's (/etc/resolv.conf). /etc/hosts is read first either way. */
  CHECK_DNS_SERVERS: z
    .string()
    .regex(
      /^\s*(?:[^\s,:[\]]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?\s*(?:,\s*(?:[^\s,:[\]]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?\s*)*$/,
      "host[:port] entries separated by commas (IPv6 in brackets: [::1]:53)",
    )
    .optional(),
  /** Alert deliveries of one organization a worker sends at once (of its 10). */
  ALERT_ORG_MAX_INFLIGHT: positiveInt(1, 10).default(3),
});

/** CONFIG_VARIABLES names every variable the API and worker read (the README table lists them). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(schema.shape);

type Parsed = z.infer<typeof schema>;

/**
 * Config is the process configuration, parsed once from the environment and frozen. Settings
 * whose default depends on another one are resolved; `warnings` are what the process logs at
 * start (a choice that is allowed but unsafe).
 */
export type Config = Readonly<
  Omit<Parsed, "PULSAR_BLOCK_PRIVATE_TARGETS" | "CHECK_ORG_MAX_INFLIGHT" | "DEFAULT_REGION"> & {
    PULSAR_BLOCK_PRIVATE_TARGETS: boolean;
    CHECK_ORG_MAX_INFLIGHT: number;
    DEFAULT_REGION: string;
    warnings: readonly string[];
  }
>;

/**
 * loadConfig parses the environment. It is the only place that reads process.env for
 * settings; everything else receives the Config.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = parseEnvironment(schema, env);
  const open = parsed.PULSAR_SIGNUP === "open";
  const warnings: string[] = [];
  if (open && parsed.PULSAR_BLOCK_PRIVATE_TARGETS === false) {
    warnings.push(
      "PULSAR_BLOCK_PRIVATE_TARGETS=false with PULSAR_SIGNUP=open: anyone who signs up can make this installation probe its own network",
    );
  }
  return Object.freeze({
    ...parsed,
    PULSAR_BLOCK_PRIVATE_TARGETS: parsed.PULSAR_BLOCK_PRIVATE_TARGETS ?? open,
    DEFAULT_REGION: parsed.DEFAULT_REGION ?? parsed.REGION,
    CHECK_ORG_MAX_INFLIGHT:
      parsed.CHECK_ORG_MAX_INFLIGHT ??
      (open ? Math.ceil(parsed.CHECK_CONCURRENCY / 4) : parsed.CHECK_CONCURRENCY),
    warnings: Object.freeze(warnings),
  });
}

/** DnsServer is one entry of CHECK_DNS_SERVERS, as node:dns setServers takes it. */
export type DnsServer = string;

/**
 * dnsServers splits CHECK_DNS_SERVERS into entries for dns.Resolver#setServers ("1.1.1.1",
 * "127.0.0.1:5353", "[::1]:53"); undefined when unset (the system's servers).
 */
export function dnsServers(config: Pick<Config, "CHECK_DNS_SERVERS">): DnsServer[] | undefined {
  const raw = config.CHECK_DNS_SERVERS;
  if (raw === undefined) return undefined;
  return raw
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
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
