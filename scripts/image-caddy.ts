// Puts the repository's Caddyfile in front of a running API, as docker-compose.caddy.yml does,
// with this machine's caddy over plain HTTP on a free port (no certificate here): the dashboard
// comes through, /metrics does not, an RPC works, and the live stream's WebSocket upgrades.
// Used by scripts/image-run.ts when `caddy` is installed.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WebSocket } from "ws";
import { freePort } from "../internal/launcher/free-port.js";

/** caddyVersion is the installed caddy's version, or undefined when there is none. */
export function caddyVersion(): string | undefined {
  try {
    return execFileSync("caddy", ["version"], { encoding: "utf8" }).trim();
  } catch {
    return undefined;
  }
}

/** checkThroughCaddy runs the Caddyfile in front of the API at apiPort; throws on a failure. */
export async function checkThroughCaddy(options: {
  root: string;
  apiPort: number;
  indexHtml: string;
  log: (line: string) => void;
}): Promise<void> {
  const { apiPort, log } = options;
  const dir = await mkdtemp(join(tmpdir(), "pulsar-image-caddy-"));
  const [port, adminPort] = [await freePort(), await freePort()];
  let caddy: ChildProcess | undefined;
  try {
    // The same file, its site address and upstream given as compose's container would not.
    const env = {
      ...process.env,
      PULSAR_DOMAIN: `http://127.0.0.1:${port}`,
      PULSAR_UPSTREAM: `127.0.0.1:${apiPort}`,
      HOME: dir,
      XDG_DATA_HOME: dir,
      XDG_CONFIG_HOME: dir,
    };
    const adapted = execFileSync(
      "caddy",
      ["adapt", "--adapter", "caddyfile", "--config", join(options.root, "Caddyfile")],
      { encoding: "utf8", env, stdio: ["ignore", "pipe", "ignore"] },
    );
    const config = { ...JSON.parse(adapted), admin: { listen: `127.0.0.1:${adminPort}` } };
    const configFile = join(dir, "caddy.json");
    await writeFile(configFile, JSON.stringify(config));
    const output: string[] = [];
    caddy = spawn("caddy", ["run", "--config", configFile], { env, stdio: "pipe" });
    caddy.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    const base = `http://127.0.0.1:${port}`;
    if (!(await answers(`${base}/healthz`, caddy))) {
      throw new Error(`caddy did not proxy /healthz within 15 s:\n${output.join("").slice(-2000)}`);
    }

    const index = await fetch(`${base}/`);
    if (index.status !== 200 || (await index.text()) !== options.indexHtml) {
      throw new Error(`through Caddy, GET / answered ${index.status} without index.html`);
    }
    const metrics = await fetch(`${base}/metrics`);
    const direct = await fetch(`http://127.0.0.1:${apiPort}/metrics`);
    if (metrics.status !== 404 || direct.status !== 200) {
      throw new Error(`/metrics: ${metrics.status} through Caddy, ${direct.status} from the API`);
    }
    const token = await apiToken(base);
    await openStream(`ws://127.0.0.1:${port}/ws`, token);
    log(
      `through Caddy (${caddyVersion()}): the dashboard, a sign-up, the /ws WebSocket; /metrics 404 (the API's own answers 200)`,
    );
  } finally {
    if (caddy?.pid && caddy.exitCode === null) {
      caddy.kill("SIGTERM");
      await Promise.race([once(caddy, "exit"), new Promise((r) => setTimeout(r, 5000))]);
      if (caddy.exitCode === null) caddy.kill("SIGKILL");
    }
    await rm(dir, { recursive: true, force: true });
  }
}

async function answers(url: string, caddy: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && caddy.exitCode === null) {
    const response = await fetch(url).catch(() => undefined);
    if (response?.status === 200) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

/** apiToken signs up through the proxy and makes an API token with the session cookie. */
async function apiToken(base: string): Promise<string> {
  const json = { "content-type": "application/json" };
  const signUp = await fetch(`${base}/pulsar.v1.AuthService/SignUp`, {
    method: "POST",
    headers: json,
    body: JSON.stringify({
      email: `image-stage-${Date.now()}@example.com`,
      password: "a long passphrase for the image stage",
      name: "Image stage",
      orgName: "Image stage",
    }),
  });
  const cookie = signUp.headers.get("set-cookie")?.split(";")[0];
  if (signUp.status !== 200 || !cookie) throw new Error(`SignUp through Caddy: ${signUp.status}`);
  const created = await fetch(`${base}/pulsar.v1.AuthService/CreateApiToken`, {
    method: "POST",
    headers: { ...json, cookie },
    body: JSON.stringify({ name: "image-stage" }),
  });
  const { token } = (await created.json()) as { token?: string };
  if (!token) throw new Error(`CreateApiToken through Caddy: ${created.status}`);
  return token;
}

/** openStream opens the live stream with the token and closes it; throws unless it opened. */
async function openStream(url: string, token: string): Promise<void> {
  const socket = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
  const timer = setTimeout(() => socket.terminate(), 10_000);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("unexpected-response", (_request, response) =>
        reject(new Error(`/ws through Caddy answered ${response.statusCode}, not an upgrade`)),
      );
      socket.once("error", reject);
      socket.once("close", () => reject(new Error("/ws through Caddy closed before opening")));
    });
  } finally {
    clearTimeout(timer);
    socket.close();
  }
}
