import type { RawData } from "ws";
import { WebSocket } from "ws";
import type { Caller } from "../../auth/caller.js";
import type { Logger } from "../../log/logger.js";
import { scopedTopic, type Topic, visibleScopes } from "../../stream/topics.js";
import { encodeFrame, errorFrame, parseRequest } from "./frames.js";
import type { Replay, ReplayScope } from "./replay.js";

/**
 * TopicRegistry is the in-process index the live fan-out reads: who listens to which topic in
 * which owner scope (keys from scopedTopic, e.g. `<orgId>/hosts` or `shared/host:abc`).
 */
export interface TopicRegistry {
  add(scopedTopic: string, client: StreamClient): void;
  remove(scopedTopic: string, client: StreamClient): void;
}

/** ClientOptions are the limits and collaborators every connection shares. */
export interface ClientOptions {
  registry: TopicRegistry;
  loadReplay: (topic: Topic, scope: ReplayScope) => Promise<Replay>;
  /** PULSAR_SHARED_HOSTS: host topics also carry the shared hosts' events. */
  sharedHosts: boolean;
  log: Logger;
  maxFrameBytes: number;
  maxTopics: number;
  maxBufferedBytes: number;
}

/** A live frame held back while its subscription's replay is being sent. */
interface Held {
  source: string;
  atMs: number;
  frame: Buffer;
}

interface Subscription {
  topic: Topic;
  /** The owner scopes whose events this subscription receives (visibleScopes). */
  scopes: string[];
  /** Defined while replaying: live frames wait here so none overtakes or misses the replay. */
  held: Held[] | undefined;
}

/** CLOSE_TRY_AGAIN_LATER is the close code for a client that cannot keep up (RFC 6455 1013). */
export const CLOSE_TRY_AGAIN_LATER = 1013;

/**
 * StreamClient is one WebSocket connection of an authenticated caller: its subscriptions, their
 * replays and a byte budget. A subscription listens in the caller's organization's scope only
 * (plus the shared hosts' for host topics when they are on), so another organization's events
 * never reach it; frames keep the plain topic name the client asked for. Everything the server
 * holds for it (bytes queued on the socket plus live frames held during replays) stays under
 * maxBufferedBytes; past that the client is closed with 1013 rather than letting a reader that
 * stalled grow the server's memory.
 */
export class StreamClient {
  /** alive is cleared by each heartbeat ping and set by the pong that answers it. */
  alive = true;
  private readonly subscriptions = new Map<string, Subscription>();
  private heldBytes = 0;

  constructor(
    readonly socket: WebSocket,
    readonly caller: Caller,
    private readonly options: ClientOptions,
  ) {}

  /** handleFrame applies a client frame, answering a bad one with an error frame. */
  handleFrame(data: RawData, isBinary: boolean): void {
    const request = parseRequest(data, isBinary, this.options.maxFrameBytes);
    if (!request.ok) {
      this.sendError(request.message);
      return;
    }
    const { subscribe, unsubscribe } = request;
    const leaving = [...unsubscribe.keys()].filter((name) => this.subscriptions.has(name));
    const joining = [...subscribe.keys()].filter(
      (name) => !this.subscriptions.has(name) || unsubscribe.has(name),
    );
    const total = this.subscriptions.size - leaving.length + joining.length;
    if (total > this.options.maxTopics) {
      this.sendError(
        `frame would bring this connection to ${total} topics; the limit is ${this.options.maxTopics}`,
      );
      return;
    }
    // Unsubscribe first, so {"unsubscribe":["hosts"],"subscribe":["hosts"]} restarts a replay.
    for (const name of leaving) this.unsubscribe(name);
    for (const [name, topic] of subscribe) {
      if (!this.subscriptions.has(name)) this.subscribe(name, topic, !request.live.has(name));
    }
  }

  /** deliver hands a live frame of `topic` (from event source `source` at `atMs`) to the client. */
  deliver(topic: string, source: string, atMs: number, frame: Buffer): void {
    const subscription = this.subscriptions.get(topic);
    if (!subscription) return;
    if (!subscription.held) {
      this.sendLive(frame);
      return;
    }
    subscription.held.push({ source, atMs, frame });
    this.heldBytes += frame.length;
    if (this.heldBytes + this.socket.bufferedAmount > this.options.maxBufferedBytes) this.cutOff();
  }

  /** dispose forgets every subscription; called once the socket has closed. */
  dispose(): void {
    for (const name of [...this.subscriptions.keys()]) this.unsubscribe(name);
  }

  private subscribe(name: string, topic: Topic, withReplay: boolean): void {
    const scopes = visibleScopes(topic, this.caller.orgId, this.options.sharedHosts);
    const subscription: Subscription = { topic, scopes, held: withReplay ? [] : undefined };
    // Registered before the replay is read, so no live event between the read and the end of
    // the replay is missed; the held frames are filtered against the replay's marks.
    this.subscriptions.set(name, subscription);
    for (const scope of scopes) this.options.registry.add(scopedTopic(scope, name), this);
    if (!withReplay) return;
    this.replay(name, subscription).catch((error: unknown) => {
      this.options.log.error("stream replay failed", { topic: name, error });
    });
  }

  private unsubscribe(name: string): void {
    const subscription = this.subscriptions.get(name);
    if (!subscription) return;
    this.subscriptions.delete(name);
    for (const scope of subscription.scopes) {
      this.options.registry.remove(scopedTopic(scope, name), this);
    }
    this.releaseHeld(subscription);
  }

  private async replay(name: string, subscription: Subscription): Promise<void> {
    let replay: Replay = { payloads: [], marks: new Map() };
    try {
      replay = await this.options.loadReplay(subscription.topic, {
        orgId: this.caller.orgId,
        scopes: subscription.scopes,
      });
    } catch (error) {
      // Live events still flow; the client learns that its history is missing.
      this.options.log.warn("reading stream replay failed", { topic: name, error });
      this.send(errorFrame("unavailable", `replay of ${name} is unavailable`, name));
    }
    for (const payload of replay.payloads) {
      if (this.subscriptions.get(name) !== subscription) return;
      await this.sendPaced(encodeFrame(name, true, payload));
    }
    if (this.subscriptions.get(name) !== subscription) return;
    const held = this.releaseHeld(subscription);
    for (const { source, atMs, frame } of held) {
      const mark = replay.marks.get(source);
      // An event without a time (atMs 0) cannot be matched against the replay: send it.
      if (mark === undefined || atMs === 0 || atMs > mark) this.sendLive(frame);
    }
  }

  private releaseHeld(subscription: Subscription): Held[] {
    const held = subscription.held ?? [];
    subscription.held = undefined;
    for (const { frame } of held) this.heldBytes -= frame.length;
    return held;
  }

  /** sendLive sends a frame now or, when the budget is spent, closes the connection. */
  private sendLive(frame: Buffer): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    const queued = this.socket.bufferedAmount + this.heldBytes + frame.length;
    if (queued > this.options.maxBufferedBytes) this.cutOff();
    else this.send(frame);
  }

  /**
   * sendPaced sends a replay frame, waiting for the socket to drain once a quarter of the
   * budget is queued: a large replay (every host's last 100 samples) is paced by the client's
   * reading speed instead of being cut off or queued whole in memory.
   */
  private async sendPaced(frame: Buffer): Promise<void> {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    if (this.socket.bufferedAmount < this.options.maxBufferedBytes / 4) {
      this.send(frame);
      return;
    }
    await new Promise<void>((resolve) =>
      this.socket.send(frame, { binary: false }, () => resolve()),
    );
  }

  private cutOff(): void {
    this.options.log.info("closing a stream client that does not keep up", {
      bufferedBytes: this.socket.bufferedAmount,
      heldBytes: this.heldBytes,
    });
    this.dispose();
    this.socket.close(CLOSE_TRY_AGAIN_LATER, "try again later");
  }

  private sendError(message: string): void {
    this.send(errorFrame("invalid_argument", message));
  }

  private send(frame: Buffer): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(frame, { binary: false });
  }
}
