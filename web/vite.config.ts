import { fileURLToPath } from "node:url";
import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// `npm run build:web` writes dist/web, which the API serves; `npm run dev` serves the app with
// hot reload and forwards the API and the stream to a running API (PULSAR_API, default :8080).
// The proxy keeps the Host header, so the API's same-origin check sees the dev server's origin.
const api = process.env.PULSAR_API ?? "http://127.0.0.1:8080";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  plugins: [react(), tailwindcss()],
  build: {
    outDir: fileURLToPath(new URL("../dist/web", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
  },
  server: {
    proxy: {
      "/pulsar.v1.": { target: api },
      "/ws": { target: api, ws: true },
      // The badges the monitor page shows are the API's, at this origin.
      "/badge/": { target: api },
      // The status pages' live preview frames the public page, served by the API.
      "/status/": { target: api },
      // A heartbeat's ping URL is a path on this origin when the API has no PUBLIC_URL.
      "/ping/": { target: api },
    },
  },
});
