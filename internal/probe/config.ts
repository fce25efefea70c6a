import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";
import { parseEnvironment } from "../config/parse-environment.js";

// zod/mini, as the agent's configuration: the same checks with a tenth of the code in a bundle
// that runs on machines of their own. It carries no messages: the English ones are loaded here.
z.config(en());

const trueOrFalse = (fallback: boolean) =>
  z._default(
    z.pipe(
      z.enum(["true", "false"]),
      z.transform((word) => word === "true"),
    ),
    fallback,
  );
const count = (min: number, max: number, fallback: number) =>
  z._default(z.coerce.number().check(z.int(), z.minimum(min), z.maximum(max)), fallback);

// Apart from the API's and worker's schema: a probe runs anywhere with nothing but these, and
// must not need DATABASE_URL or REDIS_URL.
const schema = z.object({
  /** The API's base URL, e.g. https://pulsar.example.com (Connect-RPC is served at its root). */
  PULSAR_URL: z
    .url()
    .check(z.refine((url) => /^https?:\/\//i.test(url), "an http:// or https:// URL")),
  /** A probe token (ProbeService.CreateProbeToken): it decides the region the probe checks. */
  PULSAR_PROBE_TOKEN: z
    .string()
    .check(
      z.trim(),
      z.regex(
        /^pulsar_probe_[A-Za-z0-9_-]{43}$/,
        "a probe token (pulsar_probe_…) from ProbeService.CreateProbeToken",
      ),
    ),
  /** A name for the logs and the Regions page only: the token decides the region. */
  REGION: z._default(
    z.string().check(z.regex(/^[a-z0-9_-]{1,32}$/, "1–32 of a-z, 0-9, - and _")),
    "",
  ),
  /** How many checks run at once (and so how many the probe takes at a time). */
  PROBE_CONCURRENCY: count(1, 5000, 100),
  /** How many results are kept while the API is unreachable; the oldest go first past it. */
  PROBE_BUFFER_MAX: count(100, 10_000_000, 50_000),
  /**
   * Refuse targets inside the probe's network (private, loopback, link-local addresses). On by
   * default: a probe checks whatever any organization of the installation asks, from wherever
   * it runs; set "false" only where every monitor's author may look inside that network.
   */
  PULSAR_BLOCK_PRIVATE_TARGETS: trueOrFalse(true),
  /** The worker's CHECK_DNS_SERVERS: resolvers for checks, "host[:port]" separated by commas
   *  ("[::1]:53" for IPv6). Unset: the system's (/etc/resolv.conf). */
  CHECK_DNS_SERVERS: z.optional(
    z
      .string()
      .check(
        z.regex(
          /^\s*(?:[^\s,:[\]]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?\s*(?:,\s*(?:[^\s,:[\]]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?\s*)*$/,
          "host[:port] entries separated by commas (IPv6 in brackets: [::1]:53)",
        ),
      ),
  ),
  LOG_LEVEL: z._default(z.enum(["debug", "info", "warn", "error"]), "info"),
});

/** PROBE_CONFIG_VARIABLES names every variable the probe reads (the README lists them). */
export const PROBE_CONFIG_VARIABLES: readonly string[] = Object.keys(schema.shape);

/** ProbeConfig is the probe's configuration, parsed once from the environment and frozen. */
export type ProbeConfig = Readonly<z.infer<typeof schema>>;

/**
 * loadProbeConfig parses the probe's environment; a bad or missing value throws a ConfigError
 * naming the variable (a token is never echoed).
 */
export function loadProbeConfig(env: NodeJS.ProcessEnv = process.env): ProbeConfig {
  return parseEnvironment(schema, env);
}

/** probeDnsServers splits CHECK_DNS_SERVERS into entries; undefined means the system's. */
export function probeDnsServers(
  config: Pick<ProbeConfig, "CHECK_DNS_SERVERS">,
): string[] | undefined {
  const servers = (config.CHECK_DNS_SERVERS ?? "")
    .split(",")
    .map((server) => server.trim())
    .filter((server) => server !== "");
  return servers.length > 0 ? servers : undefined;
}
