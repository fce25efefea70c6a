import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { CONFIG_VARIABLES } from "../../internal/config/config.js";
import { parseDockerfile, parseHealthcheck } from "../../scripts/dockerfile.js";
import { caddyVersion } from "../../scripts/image-caddy.js";
import { readText, readYaml } from "./files.js";

// What docker-compose.yml promises, read from the file; .ci/docker/run runs it for real on a
// Docker engine with Compose v1 (test/docker/compose.e2e.ts), and users run Compose v2.

interface Service {
  image?: string;
  build?: string | { context: string; args?: Record<string, string> };
  command?: string[] | string;
  container_name?: string;
  init?: boolean;
  restart?: string;
  ports?: string[];
  environment?: Record<string, string>;
  env_file?: (string | { path: string; required?: boolean })[];
  volumes?: string[];
  healthcheck?: { test: string[] | string; interval?: string };
  depends_on?: Record<string, { condition: string }>;
}
interface Compose {
  name?: string;
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const compose = readYaml<Compose>("docker-compose.yml");
const { postgres, redis, api, worker } = compose.services;
const caddyOverride = readYaml<Compose>("docker-compose.caddy.yml");

/** testCommand is a healthcheck's command line as one string. */
const testCommand = (service: Service | undefined) =>
  [service?.healthcheck?.test ?? []].flat().join(" ");

/** variables lists `${NAME…}` interpolations (not `$${…}`, which the container's shell reads). */
function variables(text: string): { name: string; operator: string }[] {
  return [...text.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[-?])?/g)].map((match) => ({
    name: match[1] ?? "",
    operator: match[2] ?? "",
  }));
}

describe("docker-compose.yml", () => {
  it("runs postgres, redis, the api and the worker", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["api", "postgres", "redis", "worker"]);
  });

  it("gives postgres 17 a named volume and init.sql, read-only, in its init directory", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: compose's interpolation, not JS's
    expect(postgres?.image).toBe("${POSTGRES_IMAGE:-postgres:17}");
    expect(postgres?.volumes).toContain("./init.sql:/docker-entrypoint-initdb.d/init.sql:ro");
    const data = postgres?.volumes?.find((v) => v.endsWith(":/var/lib/postgresql/data"));
    expect(data?.split(":")[0]).toBeDefined();
    expect(Object.keys(compose.volumes ?? {})).toContain(data?.split(":")[0]);
    expect(testCommand(postgres)).toContain("pg_isready");
  });

  it("runs redis 7 with append-only persistence on a named volume", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: compose's interpolation, not JS's
    expect(redis?.image).toBe("${REDIS_IMAGE:-redis:7}");
    expect([redis?.command ?? []].flat().join(" ")).toContain("--appendonly yes");
    const data = redis?.volumes?.find((v) => v.endsWith(":/data"));
    expect(Object.keys(compose.volumes ?? {})).toContain(data?.split(":")[0]);
    expect(testCommand(redis)).toBe("CMD redis-cli ping");
  });

  it("builds the api from this Dockerfile under a configurable image name, published on 8080", () => {
    // The Node base as the Dockerfile's own default, replaceable (CI's local stand-in).
    expect(api?.build).toEqual({
      context: ".",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: compose's interpolation, not JS's
      args: { NODE_IMAGE: "${NODE_IMAGE:-node:24-bookworm-slim}" },
    });
    expect(worker?.build).toEqual(api?.build);
    expect(readText("Dockerfile")).toMatch(/^ARG NODE_IMAGE=node:24-bookworm-slim$/m);
    expect(api?.image).toMatch(/^\$\{PULSAR_IMAGE:-[^}]+\}$/);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: compose's interpolation, not JS's
    expect(api?.ports).toEqual(["${PULSAR_PORT:-8080}:8080"]);
    expect(api?.environment?.PORT).toBe("8080");
    expect(api?.init).toBe(true);
    expect(api?.restart).toBe("unless-stopped");
  });

  it("checks the api with the image's own HEALTHCHECK command", () => {
    const stages = parseDockerfile(readText("Dockerfile"));
    const runtime = stages.at(-1);
    const instruction = runtime?.instructions.find((i) => i.keyword === "HEALTHCHECK");
    expect(instruction).toBeDefined();
    const { command } = parseHealthcheck(instruction?.args ?? "");
    expect(api?.healthcheck?.test).toEqual(["CMD", ...command]);
  });

  it("runs the worker from the same image, scalable (no container_name), checked on its METRICS_PORT", () => {
    expect(worker?.image).toBe(api?.image);
    expect(worker?.command).toEqual(["node", "dist/cmd/worker/main.js"]);
    expect(worker).not.toHaveProperty("container_name");
    expect(worker).not.toHaveProperty("ports");
    expect(worker?.init).toBe(true);
    const metricsPort = worker?.environment?.METRICS_PORT;
    expect(metricsPort).toMatch(/^\d+$/);
    expect(worker?.healthcheck?.test).toEqual([
      "CMD",
      "node",
      "dist/cmd/healthcheck/main.js",
      `http://127.0.0.1:${metricsPort}/healthz`,
    ]);
  });

  it("gives every service a healthcheck", () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect(service.healthcheck?.test, name).toBeDefined();
      expect(testCommand(service), name).toMatch(/^CMD(-SHELL)? \S/);
    }
  });

  it("starts the api and worker only once postgres and redis are healthy", () => {
    for (const service of [api, worker]) {
      expect(service?.depends_on).toEqual({
        postgres: { condition: "service_healthy" },
        redis: { condition: "service_healthy" },
      });
    }
  });

  it("passes every setting from .env or the shell, each unset unless given, as Compose v1 reads it", () => {
    // Compose v1 (what CI runs) refuses a top-level `name`, an optional env_file and a default
    // nested in a default; users' v2 takes the file as it is.
    expect(compose).not.toHaveProperty("name");
    const text = readText("docker-compose.yml");
    expect(text).not.toMatch(/\$\{[A-Z_]+:-[^}]*\$\{/);
    const bare = variables(text).filter((v) => v.operator !== ":-");
    expect(bare, "every variable needs a :-default").toEqual([]);
    // Set per process by compose itself, or only by `npm start`'s launcher.
    const fixed = new Set(["DATABASE_URL", "PORT", "METRICS_PORT", "HOST_ID", "PULSAR_STATE_DIR"]);
    for (const service of [api, worker]) {
      expect(service).not.toHaveProperty("env_file");
      for (const name of CONFIG_VARIABLES.filter((n) => !fixed.has(n) && n !== "REDIS_URL")) {
        expect(service?.environment?.[name], name).toBe(`\${${name}:-}`);
      }
    }
    expect(variables(text).map((v) => v.name)).toContain("POSTGRES_PASSWORD");
  });

  it("points the api and worker at the bundled postgres and redis by default", () => {
    for (const service of [api, worker]) {
      expect(service?.environment?.DATABASE_URL).toMatch(/@postgres:5432\//);
      expect(service?.environment?.REDIS_URL).toMatch(/redis:\/\/redis:6379/);
    }
  });

  it("publishes no Postgres, Redis or metrics port", () => {
    const published = Object.values(compose.services).flatMap((s) => s.ports ?? []);
    for (const port of published) expect(port).not.toMatch(/5432|6379|9464/);
    expect(postgres).not.toHaveProperty("ports");
    expect(redis).not.toHaveProperty("ports");
  });

  it("names every variable it reads in .env.example", () => {
    const example = readText(".env.example");
    const names = new Set(
      ["docker-compose.yml", "docker-compose.caddy.yml"].flatMap((file) =>
        variables(readText(file)).map((v) => v.name),
      ),
    );
    expect(names.size).toBeGreaterThan(5);
    for (const name of names) expect(example, name).toMatch(new RegExp(`^(# )?${name}=`, "m"));
  });
});

describe("docker-compose.caddy.yml", () => {
  const caddy = caddyOverride.services.caddy;

  it("adds Caddy on 80 and 443 with the Caddyfile and kept certificates", () => {
    expect(caddy?.image).toBe("caddy:2");
    expect(caddy?.ports).toEqual(expect.arrayContaining(["80:80", "443:443"]));
    expect(caddy?.volumes).toContain("./Caddyfile:/etc/caddy/Caddyfile:ro");
    expect(caddy?.volumes?.some((v) => v.endsWith(":/data"))).toBe(true);
    expect(Object.keys(caddyOverride.volumes ?? {})).toContain("caddy-data");
    expect(testCommand(caddy)).toMatch(/^CMD \S/);
    expect(caddy?.depends_on).toEqual({ api: { condition: "service_healthy" } });
  });

  it("makes the api trust the proxy's headers and know its public https address", () => {
    const env = caddyOverride.services.api?.environment;
    expect(env?.PULSAR_TRUST_PROXY).toBe("true");
    expect(env?.PUBLIC_URL).toMatch(/^https:\/\/\$\{PULSAR_DOMAIN:\?/);
    expect(caddyOverride.services.worker?.environment?.PUBLIC_URL).toBe(env?.PUBLIC_URL);
    expect(caddy?.environment?.PULSAR_DOMAIN).toMatch(/^\$\{PULSAR_DOMAIN:\?/);
  });

  it("only overrides services that docker-compose.yml defines, besides caddy", () => {
    for (const name of Object.keys(caddyOverride.services)) {
      if (name !== "caddy") expect(Object.keys(compose.services)).toContain(name);
    }
  });
});

describe("Caddyfile", () => {
  const caddyfile = readText("Caddyfile");

  it("proxies everything to the api and answers /metrics with 404 itself", () => {
    expect(caddyfile).toMatch(/^\s*reverse_proxy \{\$PULSAR_UPSTREAM:api:8080\}$/m);
    expect(caddyfile).toMatch(/^\s*respond \/metrics\* 404$/m);
    expect(caddyfile).toMatch(/^\{\$PULSAR_DOMAIN(:[^}]*)?\} \{$/m);
  });

  it("is what docs/deploy-ec2.md shows", () => {
    const docs = readText("docs/deploy-ec2.md");
    const block = /\n```\n(\{\$PULSAR_DOMAIN[\s\S]*?)```/.exec(docs)?.[1] ?? "";
    const lines = block.split("\n").map((line) => line.trim());
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines.filter(Boolean)) expect(caddyfile, line).toContain(line);
  });

  it.skipIf(!caddyVersion())(
    "adapts, with Caddy itself, to a site that 404s /metrics and proxies to api:8080",
    () => {
      const json = execFileSync(
        "caddy",
        ["adapt", "--adapter", "caddyfile", "--config", "Caddyfile"],
        { encoding: "utf8", env: { ...process.env, PULSAR_DOMAIN: "pulsar.example.com" } },
      );
      const config = JSON.parse(json);
      const server = config.apps.http.servers.srv0;
      expect(server.listen).toEqual([":443"]);
      expect(server.routes[0].match).toEqual([{ host: ["pulsar.example.com"] }]);
      const routes = server.routes[0].handle[0].routes;
      const metrics = routes.find((r: { match?: { path?: string[] }[] }) => r.match?.[0]?.path);
      expect(metrics.match[0].path).toEqual(["/metrics*"]);
      expect(metrics.handle[0]).toMatchObject({ handler: "static_response", status_code: 404 });
      const proxy = routes
        .flatMap((r: { handle: { handler: string }[] }) => r.handle)
        .find((h: { handler: string }) => h.handler === "reverse_proxy");
      expect(proxy.upstreams).toEqual([{ dial: "api:8080" }]);
    },
  );
});
