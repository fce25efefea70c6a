import { z } from "zod";
import { parseEnvironment } from "../config/config.js";
import { ID_PATTERN } from "../stream/topics.js";

const interval = z.coerce.number().int().min(500).max(60_000);

// Deliberately apart from the API's and worker's schema: an agent runs on a customer's machine
// with nothing but these, and must not need DATABASE_URL or REDIS_URL.
const schema = z.object({
  /** The API's base URL, e.g. https://pulsar.example.com (Connect-RPC is served at its root). */
  PULSAR_URL: z
    .string()
    .url()
    .refine((url) => /^https?:\/\//i.test(url), "an http:// or https:// URL"),
  /** An agent token (HostService.CreateAgentToken): the host's samples belong to its org. */
  PULSAR_AGENT_TOKEN: z
    .string()
    .trim()
    .regex(
      /^pulsar_agent_[A-Za-z0-9_-]{43}$/,
      "an agent token (pulsar_agent_…) from HostService.CreateAgentToken",
    ),
  /** How often the host is sampled. */
  SAMPLE_INTERVAL_MS: interval.default(2000),
  /** Overrides the host id derived from /etc/machine-id (clones of one image share theirs). */
  AGENT_HOST_ID: z
    .string()
    .regex(ID_PATTERN, "1–128 letters, digits, '.', '_', ':' or '-'")
    .optional(),
  /** How much history is kept while the API is unreachable; the oldest goes first past it. At
   *  most 12 h: the API refuses samples older than 24 h. */
  AGENT_BUFFER_SECONDS: z.coerce.number().int().min(10).max(43_200).default(3600),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
});

/** AgentConfig is the agent's configuration, parsed once from the environment and frozen. */
export type AgentConfig = Readonly<z.infer<typeof schema>>;

/**
 * loadAgentConfig parses the agent's environment; a bad or missing value throws a ConfigError
 * naming the variable (a token is never echoed).
 */
export function loadAgentConfig(env: NodeJS.ProcessEnv = process.env): AgentConfig {
  return parseEnvironment(schema, env);
}

/** bufferCapacity is how many samples AGENT_BUFFER_SECONDS holds at the sample interval. */
export function bufferCapacity(
  config: Pick<AgentConfig, "AGENT_BUFFER_SECONDS" | "SAMPLE_INTERVAL_MS">,
): number {
  return Math.ceil((config.AGENT_BUFFER_SECONDS * 1000) / config.SAMPLE_INTERVAL_MS);
}
