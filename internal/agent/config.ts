import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";
import { parseEnvironment } from "../config/parse-environment.js";
import { HOST_ID_PATTERN, HOST_ID_RULE } from "../core/ids.js";
import { parseLabelList } from "../core/labels.js";

// zod/mini, not full zod: the same checks with a tenth of the code, which is 10 MiB of the
// agent's resident memory (bench/README.md, "the agent"). It carries no messages of its own:
// the English ones are loaded here (alone: z.locales would bring every language).
z.config(en());

const interval = z._default(
  z.coerce.number().check(z.int(), z.minimum(500), z.maximum(60_000)),
  2000,
);
const trueOrFalse = (fallback: "true" | "false") => z._default(z.enum(["true", "false"]), fallback);

/** labelList reads "k=v,k2=v2" into labels; a bad list's issue says which item and why. */
const labelList = z.pipe(
  z.string(),
  z.transform((text: string, ctx) => {
    try {
      return parseLabelList(text);
    } catch (error) {
      ctx.issues.push({
        code: "custom",
        input: text,
        message: `must be key=value pairs separated by commas: ${(error as Error).message}`,
      });
      return z.NEVER;
    }
  }),
);

// Deliberately apart from the API's and worker's schema: an agent runs on a customer's machine
// with nothing but these, and must not need DATABASE_URL or REDIS_URL.
const schema = z.object({
  /** The API's base URL, e.g. https://pulsar.example.com (Connect-RPC is served at its root). */
  PULSAR_URL: z
    .url()
    .check(z.refine((url) => /^https?:\/\//i.test(url), "an http:// or https:// URL")),
  /** An agent token (HostService.CreateAgentToken): the host's samples belong to its org. */
  PULSAR_AGENT_TOKEN: z
    .string()
    .check(
      z.trim(),
      z.regex(
        /^pulsar_agent_[A-Za-z0-9_-]{43}$/,
        "an agent token (pulsar_agent_…) from HostService.CreateAgentToken",
      ),
    ),
  /** How often the host is sampled. */
  SAMPLE_INTERVAL_MS: interval,
  /** Overrides the host id derived from /etc/machine-id (clones of one image share theirs). */
  AGENT_HOST_ID: z.optional(z.string().check(z.regex(HOST_ID_PATTERN, HOST_ID_RULE))),
  /** How much history is kept while the API is unreachable; the oldest goes first past it. At
   *  most 12 h: the API refuses samples older than 24 h. */
  AGENT_BUFFER_SECONDS: z._default(
    z.coerce.number().check(z.int(), z.minimum(10), z.maximum(43_200)),
    3600,
  ),
  /** The host's labels ("env=prod,role=db"), until the dashboard sets others (UpdateHost). */
  AGENT_LABELS: z._default(labelList, {}),
  LOG_LEVEL: z._default(z.enum(["debug", "info", "warn", "error"]), "info"),
  /** "false" keeps the agent in the runtime it was started with instead of restarting itself
   *  once with V8's compilers off and MALLOC_ARENA_MAX=2 (cmd/agent/lean-runtime.ts). */
  AGENT_LEAN_RUNTIME: trueOrFalse("true"),
});

/** AGENT_CONFIG_VARIABLES names every variable the agent reads (the README lists them). */
export const AGENT_CONFIG_VARIABLES: readonly string[] = Object.keys(schema.shape);

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
