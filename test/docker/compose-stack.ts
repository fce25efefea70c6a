// The compose project .ci/docker/run prepared, as a test drives it: docker-compose and docker
// commands against the engine named by DOCKER_HOST, and what they report. Test support only.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { eventually } from "../support/eventually.js";

const run = promisify(execFile);

/** The variables .ci/docker/run sets for the compose project; each one is required. */
const REQUIRED = [
  "DOCKER_HOST",
  "COMPOSE_PROJECT_NAME",
  "PULSAR_IMAGE",
  "POSTGRES_IMAGE",
  "REDIS_IMAGE",
  "PULSAR_PORT",
] as const;

/** ComposeStack is the compose project under test. */
export interface ComposeStack {
  /** The API's published address, e.g. http://127.0.0.1:18080. */
  baseUrl: string;
  /** The project's network, where a target container joins the services. */
  network: string;
  compose(...args: string[]): Promise<string>;
  docker(...args: string[]): Promise<string>;
  /** containers lists the running containers of a service, by id. */
  containers(service: string): Promise<string[]>;
  /** waitHealthy waits until every container of the project reports healthy. */
  waitHealthy(timeoutMs: number): Promise<void>;
  /** metrics is a worker container's /metrics text, read from inside the container. */
  metrics(container: string): Promise<string>;
  /** killMainProcess sends SIGKILL to the Node process of a container, as a crash would. */
  killMainProcess(container: string): Promise<number>;
}

/** composeStack reads the environment .ci/docker/run set; it throws naming what is missing. */
export function composeStack(env: NodeJS.ProcessEnv = process.env): ComposeStack {
  const missing = REQUIRED.filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(", ")} not set: this test drives the compose stack that .ci/docker/run ` +
        "prepares (engine, images); run `bash .ci/docker/run`",
    );
  }
  const project = env.COMPOSE_PROJECT_NAME ?? "";
  const published = env.PULSAR_PORT ?? "";
  const baseUrl = `http://${published.includes(":") ? published : `127.0.0.1:${published}`}`;
  const exec = async (command: string, args: string[]) => {
    const { stdout } = await run(command, args, { env, maxBuffer: 16 * 1024 * 1024 });
    return stdout.trim();
  };
  const docker = (...args: string[]) => exec("docker", args);
  const compose = (...args: string[]) => exec("docker-compose", args);
  const containers = async (service: string) =>
    (await compose("ps", "-q", service)).split("\n").filter(Boolean);

  return {
    baseUrl,
    network: `${project}_default`,
    compose,
    docker,
    containers,
    async waitHealthy(timeoutMs) {
      await eventually(
        async () => {
          const ids = (await compose("ps", "-q")).split("\n").filter(Boolean);
          if (ids.length === 0) return false;
          const states = await docker(
            "inspect",
            "-f",
            "{{.Name}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}",
            ...ids,
          );
          const unhealthy = states.split("\n").filter((line) => !line.endsWith(" healthy"));
          return unhealthy.length === 0 ? true : unhealthy;
        },
        { what: "every container to be healthy", timeoutMs, intervalMs: 500 },
      );
    },
    metrics: (container) =>
      docker(
        "exec",
        container,
        "node",
        "-e",
        "fetch('http://127.0.0.1:9464/metrics').then((r) => r.text()).then((t) => process.stdout.write(t))",
      ),
    async killMainProcess(container) {
      // The container's first process is docker-init (compose's `init: true`); Node is its child.
      const init = Number(await docker("inspect", "-f", "{{.State.Pid}}", container));
      const children = readFileSync(`/proc/${init}/task/${init}/children`, "utf8").trim();
      const node = Number(children.split(/\s+/)[0]);
      if (!Number.isInteger(node) || node <= 0) {
        throw new Error(`no child process under the init of container ${container}`);
      }
      process.kill(node, "SIGKILL");
      return node;
    },
  };
}

/** counterSum adds up a Prometheus counter's samples whose labels include `labels`. */
export function counterSum(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const matches = Object.entries(labels).every(([key, value]) =>
      line.includes(`${key}="${value}"`),
    );
    if (matches) sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}
