# A stand-in for postgres:17, for CI only: no registry is reachable there, so the real image
# cannot be pulled. Debian bookworm's PostgreSQL (15), with the parts of the official image's
# contract that docker-compose.yml uses: POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB on
# first start, /docker-entrypoint-initdb.d/*.sql run once on an empty data directory, data in
# /var/lib/postgresql/data, password logins from other containers, pg_isready on the PATH.
ARG BASE_IMAGE=local/debian:bookworm-amd64
FROM ${BASE_IMAGE}
RUN mkdir -p /etc/postgresql-common \
 && echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.conf \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-15 \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /docker-entrypoint-initdb.d
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
ENTRYPOINT ["docker-entrypoint.sh"]
# Postgres's fast shutdown, as the official image asks for.
STOPSIGNAL SIGINT
EXPOSE 5432
CMD ["postgres"]
