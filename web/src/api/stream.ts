import { fromJson, type JsonValue } from "@bufbuild/protobuf";
import { type StreamEvent, StreamEventSchema } from "../../../gen/pulsar/v1/stream_pb";

/** StreamStatus is what the app shows about the live connection. */
export type StreamStatus = "connecting" | "live" | "reconnecting";

/** StreamListener receives the events of one topic (replayed ones first). */
export type StreamListener = (event: StreamEvent) => void;

/** StreamOptions tune reconnection; tests shorten them. */
export interface StreamOptions {
  url?: string;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Creates the socket; tests pass a fake. */
  createSocket?: (url: string) => WebSocket;
}

/**
 * LiveStream is the app's one WebSocket to /ws: it subscribes to the topics components listen
 * to, decodes frames with the generated pulsar.v1.StreamEvent, and reconnects by itself with
 * exponential backoff and jitter, subscribing again (so the replay refills what was missed).
 */
export class LiveStream {
  private socket: WebSocket | undefined;
  private readonly listeners = new Map<string, Set<StreamListener>>();
  private readonly statusListeners = new Set<(status: StreamStatus) => void>();
  /** Topics subscribed without a replay. */
  private readonly liveOnly = new Set<string>();
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  status: StreamStatus = "connecting";
  /** When the last frame arrived (ms since epoch); 0 before the first. */
  lastFrameAt = 0;

  /**
   * The socket opens at once and stays open for the whole signed-in session, so the live badge
   * tells the truth on every page, and subscriptions made later need no handshake.
   */
  constructor(private readonly options: StreamOptions = {}) {
    this.ensureOpen();
  }

  /**
   * subscribe listens to a topic until the returned function is called. With replay false the
   * server sends live events only (for a caller that loaded the recent past itself); the
   * first subscriber of a topic decides.
   */
  subscribe(
    topic: string,
    listener: StreamListener,
    options: { replay?: boolean } = {},
  ): () => void {
    let set = this.listeners.get(topic);
    if (!set) {
      set = new Set();
      this.listeners.set(topic, set);
      if (options.replay === false) this.liveOnly.add(topic);
      this.send(this.subscribeFrame([topic]));
    }
    set.add(listener);
    this.ensureOpen();
    return () => {
      const current = this.listeners.get(topic);
      current?.delete(listener);
      if (current?.size === 0) {
        this.listeners.delete(topic);
        this.liveOnly.delete(topic);
        this.send({ unsubscribe: [topic] });
      }
    };
  }

  /** onStatus calls back on every status change until the returned function is called. */
  onStatus(listener: (status: StreamStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** close stops reconnecting and closes the socket (on sign-out). */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.socket?.close(1000);
    this.socket = undefined;
  }

  private ensureOpen(): void {
    if (this.socket || this.closed || this.timer) return;
    const url = this.options.url ?? defaultUrl();
    const socket = (this.options.createSocket ?? ((u) => new WebSocket(u)))(url);
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.setStatus("live");
      const topics = [...this.listeners.keys()];
      if (topics.length > 0) this.send(this.subscribeFrame(topics));
    };
    socket.onmessage = (message) => this.receive(message.data);
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    this.setStatus("reconnecting");
    const min = this.options.minBackoffMs ?? 500;
    const max = this.options.maxBackoffMs ?? 30_000;
    const ceiling = Math.min(max, min * 2 ** this.attempt);
    this.attempt += 1;
    // Full jitter: after an API restart, thousands of dashboards do not reconnect in step.
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.ensureOpen();
    }, delay);
  }

  private receive(data: unknown): void {
    if (typeof data !== "string") return;
    let event: StreamEvent;
    try {
      event = fromJson(StreamEventSchema, JSON.parse(data) as JsonValue, {
        ignoreUnknownFields: true,
      });
    } catch {
      return;
    }
    this.lastFrameAt = Date.now();
    for (const listener of this.listeners.get(event.topic) ?? []) listener(event);
  }

  private subscribeFrame(topics: string[]): { subscribe?: string[]; subscribeLive?: string[] } {
    const live = topics.filter((topic) => this.liveOnly.has(topic));
    const replayed = topics.filter((topic) => !this.liveOnly.has(topic));
    return {
      ...(replayed.length > 0 && { subscribe: replayed }),
      ...(live.length > 0 && { subscribeLive: live }),
    };
  }

  private send(frame: {
    subscribe?: string[];
    unsubscribe?: string[];
    subscribeLive?: string[];
  }): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  private setStatus(status: StreamStatus): void {
    if (status === this.status) return;
    this.status = status;
    for (const listener of this.statusListeners) listener(status);
  }
}

function defaultUrl(): string {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${window.location.host}/ws`;
}
