import { createCheckRunner } from "../../internal/checks/run-target.js";
import { configOrExit } from "../../internal/config/or-exit.js";
import { createLogger } from "../../internal/core/logger.js";
import { createDnsLookup } from "../../internal/dns/dns-lookup.js";
import { onShutdown } from "../../internal/lifecycle/shutdown.js";
import { loadProbeConfig, probeDnsServers } from "../../internal/probe/config.js";
import { createProbe } from "../../internal/probe/probe.js";
import { createProbeClient } from "../../internal/probe/probe-client.js";
import packageJson from "../../package.json" with { type: "json" };

// SIGTERM lets the checks held finish (each bounded by its timeout), then sends what is
// buffered; the whole stays under the shutdown deadline.
const CHECKS_DEADLINE_MS = 30_000;
const FLUSH_DEADLINE_MS = 10_000;
const SHUTDOWN_DEADLINE_MS = 45_000;
// A refused token (revoked, unknown) is fixed by nothing but a new one: exit at once, non-zero.
const EXIT_REFUSED = 1;

const config = configOrExit("probe", () => loadProbeConfig());
const log = createLogger("probe", config.LOG_LEVEL);
// Checks resolve names through c-ares (CHECK_DNS_SERVERS, else the system's), as the worker's.
const dnsLookup = createDnsLookup({ servers: probeDnsServers(config) });
const probe = createProbe({
  config,
  client: createProbeClient({ url: config.PULSAR_URL, token: config.PULSAR_PROBE_TOKEN }),
  runCheckFor: (region) =>
    createCheckRunner({
      lookup: dnsLookup.lookup,
      blockPrivateTargets: config.PULSAR_BLOCK_PRIVATE_TARGETS,
      dnsServers: probeDnsServers(config),
      identity: { region, version: packageJson.version },
    }),
  version: packageJson.version,
  log,
});
probe.start();
void probe.ended.then((end) => {
  dnsLookup.close();
  if (end.reason === "refused") process.exit(EXIT_REFUSED);
});

onShutdown(
  async () => {
    await probe.stop({ checksMs: CHECKS_DEADLINE_MS, flushMs: FLUSH_DEADLINE_MS });
  },
  log,
  SHUTDOWN_DEADLINE_MS,
);
