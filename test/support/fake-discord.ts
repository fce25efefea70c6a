import http, { type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/** FakePost is one POST the fake received. */
export interface FakePost {
  /** Date.now() when the body had arrived. */
  at: number;
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, exactly as sent (signatures are over these bytes). */
  body: string;
  json: unknown;
}

/** FakeAnswer is how the fake answers one POST; the default is Discord's 204. */
export interface FakeAnswer {
  status: number;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Never answer (until close()): a channel that hangs. */
  hang?: boolean;
  /** Answer this many ms after the body arrived: a slow channel. */
  delayMs?: number;
}

/**
 * FakeDiscord is a local stand-in for Discord's webhook endpoint, and for any webhook
 * receiver: it records every POST (headers and raw body) and answers 204, or what a test
 * scripted for a path (a 429 with retry_after, a 500, a 404 Unknown Webhook...).
 */
export interface FakeDiscord {
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  /** A Discord-like webhook URL of its own: `${origin}/api/webhooks/<n>/<token>`. */
  webhookUrl(): string;
  /** Every POST so far, oldest first; or those to one URL. */
  posts(url?: string): FakePost[];
  /** The next POSTs to url get these answers, in order; later ones get 204 again. */
  answer(url: string, ...answers: FakeAnswer[]): void;
  /** Resolves once `count` POSTs reached url (or any URL), or rejects after timeoutMs. */
  waitForPosts(count: number, options?: { url?: string; timeoutMs?: number }): Promise<FakePost[]>;
  close(): Promise<void>;
}

/** RATE_LIMITED answers like Discord does when a webhook posts too fast. */
export function rateLimited(retryAfterSeconds: number): FakeAnswer {
  return {
    status: 429,
    body: { message: "You are being rate limited.", retry_after: retryAfterSeconds, global: false },
    headers: { "retry-after": String(Math.ceil(retryAfterSeconds)) },
  };
}

/** startFakeDiscord listens on 127.0.0.1 and a free port. */
export async function startFakeDiscord(): Promise<FakeDiscord> {
  const received: FakePost[] = [];
  const scripted = new Map<string, FakeAnswer[]>();
  const waiters = new Set<() => void>();
  let hooks = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const path = req.url ?? "/";
      received.push({ at: Date.now(), path, headers: req.headers, body, json });
      for (const wake of waiters) wake();
      const answer = scripted.get(path)?.shift() ?? { status: 204 };
      if (answer.hang) return;
      const payload = answer.body === undefined ? "" : JSON.stringify(answer.body);
      const send = () => {
        res.writeHead(answer.status, {
          ...(payload ? { "content-type": "application/json" } : {}),
          ...answer.headers,
        });
        res.end(payload);
      };
      if (answer.delayMs === undefined) send();
      else setTimeout(send, answer.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const pathOf = (url: string) => new URL(url, origin).pathname;
  const postsTo = (url?: string) =>
    url === undefined ? [...received] : received.filter((post) => post.path === pathOf(url));
  return {
    origin,
    webhookUrl: () => `${origin}/api/webhooks/${++hooks}/token-${hooks}`,
    posts: postsTo,
    answer(url, ...answers) {
      const path = pathOf(url);
      scripted.set(path, [...(scripted.get(path) ?? []), ...answers]);
    },
    waitForPosts(count, { url, timeoutMs = 10_000 } = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const posts = postsTo(url);
          if (posts.length < count) return false;
          waiters.delete(wake);
          clearTimeout(timer);
          resolve(posts);
          return true;
        };
        const wake = () => void check();
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(
            new Error(
              `expected ${count} posts${url ? ` to ${url}` : ""}, got ${postsTo(url).length}`,
            ),
          );
        }, timeoutMs);
        waiters.add(wake);
        check();
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
