// The layering of Pulsar's code, checked by `npm run lint:deps` (dependency-cruiser) in CI.
// docs/layering.md has the picture; each rule's comment is what a developer sees explained
// when an import breaks it. Paths are regular expressions on repository-relative paths.
//
// Tests (*.test.ts) assemble whatever they exercise, so the layer rules look at production files
// only; cycles and imports of test files are checked everywhere.

/** A test file: exempt from the layer directions, never imported by production code. */
const TEST_FILE = "\\.test\\.tsx?$";

/**
 * The concerns: the rooms between the plumbing and the service layer. The first group owns
 * data and behaviour; the second holds small shared pieces any concern may use.
 */
const DOMAIN_CONCERNS = [
  "checks",
  "alerts",
  "hosts/server",
  "accounts",
  "quota",
  "stream",
  "auth",
  "statuspages",
  "badges",
  "maintenance",
  "regions",
];
const SHARED_CONCERNS = ["netpolicy", "dns", "metrics"];
const CONCERNS = [...DOMAIN_CONCERNS, ...SHARED_CONCERNS];

/**
 * CONCERN_EDGES is the deliberate list of one concern importing another (besides the shared
 * concerns, which every concern may import). Anything else is an error: add an edge here only
 * with its reason, and never both directions.
 */
const CONCERN_EDGES = {
  // Authentication looks the caller's account, membership and sessions up.
  auth: ["^internal/accounts/"],
  // A check's result feeds the alert state in the same transaction and is published live.
  // A check's result is marked when its monitor is in a maintenance window (the workers' index).
  checks: ["^internal/alerts/", "^internal/stream/", "^internal/maintenance/"],
  // Host rules read the hosts they watch. Nothing of checks: checks calls alerts, in the
  // vocabulary alerts define (internal/alerts/monitor-transition.ts), never the other way.
  alerts: ["^internal/hosts/server/"],
  // Ingesting samples is metered against the organization's quota.
  "hosts/server": ["^internal/quota/"],
  // The API's side of remote probes: it claims and leases a region's check jobs (the check
  // queue's dispatch and timing), stores the probes' results as a worker does (results, then
  // the alert hand-out and the live stream), and reads probe tokens (accounts). Nothing imports
  // regions but the service and API layers.
  regions: ["^internal/checks/", "^internal/alerts/", "^internal/stream/", "^internal/accounts/"],
  accounts: [],
  quota: [],
  stream: [],
  netpolicy: [],
  dns: [],
  metrics: [],
  // Status pages and the incidents written on them: their own SQL over monitors' rows.
  // A public page shows which of its monitors are in a maintenance window and when the next
  // ones are (internal/maintenance/schedule.ts).
  statuspages: ["^internal/maintenance/"],
  // Public badges of monitors: their own SQL over monitors' rows and rollups; whether a
  // monitor is in maintenance is passed in by the API.
  badges: [],
  // Maintenance windows: their schedule, SQL and the workers' index; monitors and status pages
  // are read by their own SQL.
  maintenance: [],
};

/** What the agent's bundle (cmd/agent, internal/agent) may contain of ours. */
const AGENT_BUNDLE = [
  "^cmd/agent/",
  "^internal/agent/",
  "^internal/core/",
  "^internal/hosts/reading/",
  "^internal/config/parse-environment\\.ts$",
  // cmd/agent's wiring: exit on a configuration error, stop on SIGTERM; both import only core.
  "^internal/config/or-exit\\.ts$",
  "^internal/lifecycle/shutdown\\.ts$",
  "^gen/",
];

/**
 * What the remote probe (internal/probe) may reach of ours: it is bundled alone (npm run
 * build:probe) and runs anywhere with only the API's address and a token. The checks
 * themselves and what they need (the address policy, the resolver), the neutral core and gen/;
 * never the server's side (db, redis, stream, service, api, worker, alerts, the check queue).
 */
const PROBE_BUNDLE = [
  "^internal/probe/",
  "^internal/core/",
  "^internal/checks/(http|tcp|dnsquery|conditions)/",
  "^internal/checks/queue/check-timing\\.ts$",
  "^internal/netpolicy/",
  "^internal/dns/",
  "^internal/config/parse-environment\\.ts$",
  // The agent's exponential backoff with jitter: one small pure function, shared.
  "^internal/agent/backoff\\.ts$",
  "^gen/",
];

/** literal makes a folder name a regular expression matching just that name. */
const literal = (path) => path.replaceAll(".", "\\.");

/** @type {import('dependency-cruiser').IForbiddenRuleType[]} */
const concernEdgeRules = Object.entries(CONCERN_EDGES).map(([concern, allowed]) => ({
  name: `concern-edge-${concern.replace("/", "-")}`,
  severity: "error",
  comment:
    `internal/${concern} imports another concern outside the deliberate list in ` +
    ".dependency-cruiser.cjs (CONCERN_EDGES). Concerns depend on each other one way only. " +
    "If the piece you need is generic (a type, a helper), move it down to internal/core or " +
    "internal/db; if the dependency is real, add the edge with its reason, never both directions.",
  from: { path: `^internal/${literal(concern)}/`, pathNot: TEST_FILE },
  to: {
    path: `^internal/(${DOMAIN_CONCERNS.map(literal).join("|")})/`,
    pathNot: [`^internal/${literal(concern)}/`, ...allowed],
  },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment:
        "This import closes a cycle (type-only imports count: they tie the modules together " +
        "just the same). Break it: move what both sides need into a third module below them, " +
        "or pass the dependency in.",
      from: { path: "^(internal|cmd)/" },
      to: { circular: true },
    },
    {
      name: "not-to-cmd",
      severity: "error",
      comment:
        "cmd/ only wires a process together; nothing imports it. Move what you need from " +
        "cmd/ into internal/ and import it from there.",
      from: { pathNot: "^cmd/" },
      to: { path: "^cmd/" },
    },
    {
      name: "not-to-cmd",
      severity: "error",
      comment: "One process's wiring does not import another's: share it through internal/.",
      from: { path: "^cmd/([^/]+)/" },
      to: { path: "^cmd/", pathNot: "^cmd/$1/" },
    },
    {
      name: "core-is-neutral",
      severity: "error",
      comment:
        "internal/core is imported by everything, so it imports nothing of ours outside " +
        "internal/core (not even gen/: a concern's message types belong with that concern). " +
        "Move the code that needs the other module out of core.",
      from: { path: "^internal/core/", pathNot: TEST_FILE },
      to: { path: "^(internal|cmd|gen|test|bench|web)/", pathNot: "^internal/core/" },
    },
    {
      name: "agent-bundle-is-lean",
      severity: "error",
      comment:
        "The agent is bundled alone (npm run build:agent) and runs on every monitored host: it " +
        "may contain only cmd/agent, internal/agent, internal/core, internal/hosts/reading, " +
        "internal/config/parse-environment.ts (and or-exit.ts), internal/lifecycle/shutdown.ts " +
        "and gen/. This module is reachable from the agent; cut the import chain that reaches it " +
        "(dependency-cruiser lists it), e.g. move the agent-side piece into hosts/reading or core.",
      from: { path: "^(cmd/agent|internal/agent)/", pathNot: TEST_FILE },
      to: {
        path: "^(internal|cmd|gen|test|bench|web)/",
        pathNot: AGENT_BUNDLE,
        reachable: true,
      },
    },
    {
      name: "probe-is-lean",
      severity: "error",
      comment:
        "internal/probe runs in the remote probe's bundle (npm run build:probe), anywhere: it may " +
        "reach only the checks themselves (internal/checks/http, tcp, dnsquery, conditions, " +
        "queue/check-timing.ts), netpolicy, dns, core, config/parse-environment.ts, " +
        "agent/backoff.ts and gen/ — never the server's db, redis, stream, service, api, worker " +
        "or the check queue. Pass the server-side piece in from cmd/probe, or move the " +
        "probe-side piece down (dependency-cruiser lists the chain).",
      from: { path: "^internal/probe/", pathNot: TEST_FILE },
      to: {
        path: "^(internal|cmd|gen|test|bench|web)/",
        pathNot: PROBE_BUNDLE,
        reachable: true,
      },
    },
    {
      name: "hosts-reading-is-agent-side",
      severity: "error",
      comment:
        "internal/hosts/reading runs inside the agent bundle and the worker's sampler: it reads " +
        "the machine and imports nothing server-side (db, redis, stream, service, api, alerts, " +
        "checks, accounts, auth, quota, worker, hosts/server). Keep server code in hosts/server.",
      from: { path: "^internal/hosts/reading/", pathNot: TEST_FILE },
      to: {
        path: "^internal/(db|redis|stream|service|api|alerts|checks|accounts|auth|quota|worker|hosts/server)/",
      },
    },
    {
      name: "plumbing-imports-only-core",
      severity: "error",
      comment:
        "internal/db and internal/redis are plumbing below every concern: they import only " +
        "internal/core. A concern's SQL, types or hooks stay in the concern; pass a callback " +
        "in, or move a generic type down into db.",
      from: { path: "^internal/(db|redis)/", pathNot: TEST_FILE },
      to: {
        path: "^(internal|cmd|gen|test|bench|web)/",
        pathNot: ["^internal/core/", "^internal/$1/"],
      },
    },
    {
      name: "concern-not-to-outer-layers",
      severity: "error",
      comment:
        "Concerns sit below the service layer: they never import internal/service, internal/api " +
        "or internal/worker. Let the outer layer call the concern (pass the dependency in).",
      from: { path: `^internal/(${CONCERNS.map(literal).join("|")})/`, pathNot: TEST_FILE },
      to: { path: "^internal/(service|api|worker)/" },
    },
    {
      name: "service-not-to-api-or-worker",
      severity: "error",
      comment:
        "internal/service holds the Connect implementations; internal/api serves them. The " +
        "service layer never imports api/ or worker/: pass what it needs in from cmd/ or api/.",
      from: { path: "^internal/service/", pathNot: TEST_FILE },
      to: { path: "^internal/(api|worker)/" },
    },
    {
      name: "worker-not-to-api-or-service",
      severity: "error",
      comment:
        "The worker process does not contain the API: internal/worker never imports " +
        "internal/api or internal/service. Share through a concern.",
      from: { path: "^internal/worker/", pathNot: TEST_FILE },
      to: { path: "^internal/(api|service)/" },
    },
    {
      name: "api-not-to-worker",
      severity: "error",
      comment:
        "The API process does not contain the worker: internal/api never imports " +
        "internal/worker. Share through a concern.",
      from: { path: "^internal/api/", pathNot: TEST_FILE },
      to: { path: "^internal/worker/" },
    },
    ...concernEdgeRules,
    {
      name: "production-not-to-test-or-bench",
      severity: "error",
      comment:
        "Production code (internal/, cmd/) never imports test/ or bench/: they are not " +
        "shipped. Move what production needs out of the test helpers.",
      from: { path: "^(internal|cmd)/", pathNot: TEST_FILE },
      to: { path: "^(test|bench)/" },
    },
    {
      name: "not-to-test-files",
      severity: "error",
      comment:
        "Production code never imports a *.test.ts file (that would run its tests). Move the " +
        "shared piece into a module of its own, or into test/support for tests.",
      from: { pathNot: TEST_FILE },
      to: { path: TEST_FILE },
    },
    {
      name: "web-is-separate",
      severity: "error",
      comment:
        "The dashboard (web/) is built for the browser and talks to the server over the API " +
        "only: it imports gen/ for the messages and shared/ for what both sides word the same, " +
        "never internal/ or cmd/.",
      from: { path: "^web/" },
      to: { path: "^(internal|cmd)/" },
    },
    {
      name: "shared-imports-nothing",
      severity: "error",
      comment:
        "shared/ is pure code both the server and the dashboard import (the browser and Node " +
        "alike), so it imports nothing at all outside shared/: no package, no Node module, " +
        "nothing of ours. Keep what needs more on its own side.",
      from: { path: "^shared/" },
      to: { pathNot: "^shared/" },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      comment:
        "dependency-cruiser could not resolve this import, so the rules above cannot see where " +
        "it goes. Fix the path (ESM imports end in .js), or the package is missing.",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // Our code only: npm packages are visited (to resolve them) but not cruised.
    doNotFollow: { path: "node_modules" },
    // Type-only imports are dependencies too: they couple the modules and close cycles.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types", "typings"],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
