import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Api } from "../../internal/api/app.js";

/** listenApi serves an Api on 127.0.0.1 and a free port; close() stops it. */
export async function listenApi(
  api: Api,
): Promise<{ baseUrl: string; server: Server; close(): Promise<void> }> {
  const server = createServer(api.handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
