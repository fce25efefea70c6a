#!/bin/bash
# The stand-in redis image's entrypoint (CI only; see redis.Dockerfile): what the official
# image's does with a `redis-server …` command.
set -euo pipefail

if [ "${1:-}" = redis-server ]; then
  # Without a config file Redis 7 listens everywhere but, with no password, answers only
  # loopback: the official entrypoint turns protected mode off unless the command sets it.
  case " $* " in
    *" --protected-mode "*) ;;
    *) set -- "$@" --protected-mode no ;;
  esac
  if [ "$(id -u)" = 0 ]; then
    chown -R redis:redis /data
    exec setpriv --reuid=redis --regid=redis --init-groups "$@"
  fi
fi

exec "$@"
