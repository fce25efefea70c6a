import type { RawData } from "ws";
import { WebSocket } from "ws";
import type { Caller } from "../../auth/caller.js";
import type { Logger } from "../../core/logger.js";
import { scopedTopic, type Topic, visibleScopes } from "../../stream/topics.js";
import { FrameBucket, type FrameRate } from "./frame-rate.js";
import { encodeFrame, errorFrame, parseRequest } from "./frames.js";
import { mergeMarks, type Replay, type ReplayScope } from "./replay.js";
import { ReplayScheduler } from "./replay-scheduler.js";

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
  /** replayPages reads a subscription's replay a page at a time (see replay.ts). */
  replayPages: (topic: Topic, scope: ReplayScope) => AsyncIterable<Replay>;
  /** PULSAR_SHARED_HOSTS: host topics also carry the shared hosts' events. */
  sharedHosts: boolean;
  log: Logger;
  maxFrameBytes: number;
  maxTopics: number;
  maxBufferedBytes: number;
  /** Frames (messages, pings and pongs) a client may send; past it, 1008. */
  frameRate: FrameRate;
  /** Replays of one connection being read or sent at once, over all its topics. */
  maxReplaysInFlight: number;
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
  /**
   * Defined until its replay has been sent (also while the replay waits for its turn): live
   * frames wait here so none overtakes or misses the replay.
   */
  held: Held[] | undefined;
}

/** CLOSE_TRY_AGAIN_LATER is the close code for a client that cannot keep up (RFC 6455 1013). */
export const CLOSE_TRY_AGAIN_LATER = 1013;

/**
 * CLOSE_POLICY_VIOLATION closes a stream whose credentials were revoked, or whose client sends
 * frames faster than its rate (RFC 6455 1008).
 */
export const CLOSE_POLICY_VIOLATION = 1008;

/**
 * StreamClient is one WebSocket connection of an authenticated caller: its subscriptions, their
 * replays and a byte budget. A subscription listens in the caller's organization's scope only
 * (plus the shared hosts' for host topics when they are on), so another organization's events
 * never reach it; frames keep the plain topic name the client asked for. Everything the server
 * holds for it (bytes queued on the socket plus live frames held during replays) stays under
 * maxBufferedBytes; past that the client is closed with 1013 rather than letting a reader that
 * stalled grow the server's memory. What a client can make the server do is bounded too: its
 * frames by a rate (FrameBucket), its replays by the ReplayScheduler (one per topic at a time).
 */
export class StreamClient {
  /** alive is cleared by each heartbeat ping and set by the pong that answers it. */
  alive = true;
  private readonly subscriptions = new Map<string, Subscription>();
  private heldBytes = 0;
  private readonly frames: FrameBucket;
  private readonly replays: ReplayScheduler;

  constructor(
    readonly socket: WebSocket,
    readonly caller: Caller,
    private readonly options: ClientOptions,
  ) {
    this.frames = new FrameBucket(options.frameRate);
    const replay = (name: string) =>
      this.replay(name).catch((error: unknown) => {
        options.log.error("stream replay failed", { topic: name, error });
      });
    this.replays = new ReplayScheduler(replay, options.maxReplaysInFlight);
  }

  /**
   * countFrame counts one frame from the client (any kind, well-formed or not) against its
   * rate. A frame over the rate closes the connection with 1008 and false is returned: the
   * frame must be ignored, as must every frame still arriving while the connection closes.
   */
  countFrame(): boolean {
    if (this.socket.readyState !== WebSocket.OPEN) return false;
    if (this.frames.take()) return true;
    const { perSecond, burst } = this.frames.rate;
    this.options.log.info("closing a stream client that sends too many frames", { perSecond });
    this.dispose();
    this.socket.close(
      CLOSE_POLICY_VIOLATION,
      `too many frames: the limit is ${perSecond} per second (bursts of ${burst})`,
    );
    return false;
  }

  /** handleFrame applies a client frame, answering a bad one with an error frame. */
  handleFrame(data: RawData, isBinary: boolean): void {
    if (!this.countFrame()) return;
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
    // Unsubscribe first, so {"unsubscribe":["hosts"],"subscribe":["hosts"]} restarts a replay
    // (once the one still in flight, if any, has finished: see ReplayScheduler).
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
    if (withReplay) this.replays.request(name);
  }

  private unsubscribe(name: string): void {
    const subscription = this.subscriptions.get(name);
    if (!subscription) return;
    this.subscriptions.delete(name);
    this.replays.cancel(name);
    for (const scope of subscription.scopes) {
      this.options.registry.remove(scopedTopic(scope, name), this);
    }
    this.releaseHeld(subscription);
  }

  /**
   * replay sends the replay of name's current subscription, then the live frames it held that
   * the replay does not already contain. It stops, reading no further page, as soon as that
   * subscription is gone (unsubscribed, or replaced by a newer one that waits for its turn).
   */
  private async replay(name: string): Promise<void> {
    const subscription = this.subscriptions.get(name);
    if (!subscription?.held) return;
    const current = () => this.subscriptions.get(name) === subscription;
    const marks = new Map<string, number>();
    try {
      const scope = { orgId: this.caller.orgId, scopes: subscription.scopes };
      for await (const page of this.options.replayPages(subscription.topic, scope)) {
        for (const payload of page.payloads) {
          if (!current()) return;
          await this.sendPaced(encodeFrame(name, true, payload));
        }
        mergeMarks(marks, page.marks);
        if (!current()) return;
      }
    } catch (error) {
      if (!current()) return;
      // Live events still flow; the client learns that (part of) its history is missing.
      this.options.log.warn("reading stream replay failed", { topic: name, error });
      this.send(errorFrame("unavailable", `replay of ${name} is unavailable`, name));
    }
    if (!current()) return;
    const held = this.releaseHeld(subscription);
    for (const { source, atMs, frame } of held) {
      const mark = marks.get(source);
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
