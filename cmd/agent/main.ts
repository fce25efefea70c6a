import "./lean-runtime.js";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { IngestService } from "../../gen/pulsar/v1/ingest_pb.js";
import { createAgent } from "../../internal/agent/agent.js";
import { loadAgentConfig } from "../../internal/agent/config.js";
import { configOrExit } from "../../internal/config/or-exit.js";
import { createLogger } from "../../internal/core/logger.js";
import { createSampler } from "../../internal/hosts/reading/sampler.js";
import { onShutdown } from "../../internal/lifecycle/shutdown.js";
import packageJson from "../../package.json" with { type: "json" };

// How long SIGTERM waits for the last samples to reach the API, and for everything in all.
const FLUSH_DEADLINE_MS = 5000;
const SHUTDOWN_DEADLINE_MS = 10_000;

const config = configOrExit("agent", () => loadAgentConfig());
const log = createLogger("agent", config.LOG_LEVEL);
const transport = createConnectTransport({
  baseUrl: config.PULSAR_URL,
  // Unary calls over HTTP/1.1 with keep-alive: they pass any proxy or load balancer.
  httpVersion: "1.1",
  useBinaryFormat: true,
  interceptors: [
    (next) => (req) => {
      req.header.set("authorization", `Bearer ${config.PULSAR_AGENT_TOKEN}`);
      return next(req);
    },
  ],
});
const agent = createAgent({
  config,
  client: createClient(IngestService, transport),
  createSampler,
  version: packageJson.version,
  log,
});
try {
  await agent.start();
} catch (error) {
  log.error("the agent could not start", { error });
  process.exit(1);
}

onShutdown(
  async () => {
    await agent.stop(FLUSH_DEADLINE_MS);
  },
  log,
  SHUTDOWN_DEADLINE_MS,
);
