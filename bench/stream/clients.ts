// A pool of real WebSocket clients for bench/stream: each subscribes to one topic and records,
// for every live frame, when it arrived (performance.now()) against the sample's sequence
// number carried in its hostname ("seq-<n>").
import { performance } from "node:perf_hooks";
import { WebSocket } from "ws";

/** ClientPool is N connected, subscribed clients and what they received. */
export interface ClientPool {
  /** arrivals[seq] holds one arrival time per client that received sample seq. */
  arrivals: Map<number, number[]>;
  /** liveFrames counts live frames received over all clients. */
  liveFrames(): number;
  /** reset forgets what was received so far. */
  reset(): void;
  close(): void;
}

const SEQ = /"hostname":"seq-(\d+)"/;

/**
 * openClients connects n clients in batches (so the server's accept backlog never overflows)
 * and subscribes each to topic, authenticated with headers. Replay frames are ignored.
 */
export async function openClients(
  url: string,
  n: number,
  topic: string,
  headers: Record<string, string>,
): Promise<ClientPool> {
  const arrivals = new Map<number, number[]>();
  const sockets: WebSocket[] = [];
  let live = 0;
  const onMessage = (data: WebSocket.RawData) => {
    // Timestamp first, then the cheapest parse that finds the sequence number: the client
    // side's own work must add as little as possible to the latency it measures.
    const at = performance.now();
    const text = String(data);
    if (text.includes('"replay":true')) return;
    const seq = Number(SEQ.exec(text)?.[1] ?? -1);
    let list = arrivals.get(seq);
    if (!list) {
      list = [];
      arrivals.set(seq, list);
    }
    list.push(at);
    live += 1;
  };
  for (let start = 0; start < n; start += 100) {
    const batch = Array.from({ length: Math.min(100, n - start) }, async () => {
      const socket = new WebSocket(url, { perMessageDeflate: false, headers });
      await new Promise<void>((resolve, reject) => {
        socket.once("open", resolve);
        socket.once("error", reject);
      });
      socket.on("message", onMessage);
      socket.send(JSON.stringify({ subscribe: [topic] }));
      sockets.push(socket);
    });
    await Promise.all(batch);
  }
  return {
    arrivals,
    liveFrames: () => live,
    reset() {
      arrivals.clear();
      live = 0;
    },
    close() {
      for (const socket of sockets) socket.terminate();
    },
  };
}
