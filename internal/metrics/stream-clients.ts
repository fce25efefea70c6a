import { Gauge, type Registry } from "prom-client";

/**
 * registerStreamClients registers pulsar_stream_clients: the live stream's open WebSocket
 * connections in this API process, read from the gateway when scraped.
 */
export function registerStreamClients(
  registry: Registry,
  gateway: { clientCount(): number },
): void {
  new Gauge({
    name: "pulsar_stream_clients",
    help: "Open WebSocket connections of the live stream (/ws) in this API process.",
    registers: [registry],
    collect() {
      this.set(gateway.clientCount());
    },
  });
}
