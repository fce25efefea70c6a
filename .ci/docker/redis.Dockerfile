# A stand-in for redis:7, for CI only: no registry is reachable there, so the real image cannot
# be pulled. Debian bookworm's Redis (7.0), with the parts of the official image's contract that
# docker-compose.yml uses: `redis-server` and its arguments as the command, run as user redis
# in /data (append-only files land there), reachable from other containers without a config
# file (protected mode off, as the official entrypoint does), redis-cli on the PATH.
ARG BASE_IMAGE=local/debian:bookworm-amd64
FROM ${BASE_IMAGE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir /data && chown redis:redis /data
WORKDIR /data
COPY redis-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
ENTRYPOINT ["docker-entrypoint.sh"]
EXPOSE 6379
CMD ["redis-server"]
