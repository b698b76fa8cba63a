#!/bin/sh
# Entrypoint of the RedStep image: the first argument picks the process, the rest go to node.
#   api         AWS Step Functions API (needs REDIS_URL)
#   worker      BullMQ step worker (needs REDIS_URL)
#   standalone  api and worker in one process; without REDIS_URL it starts its own redis-server
set -eu

APP_ROOT="${REDSTEP_APP_ROOT:-/app}"

usage() {
  echo "usage: redstep-entrypoint api|worker|standalone [node arguments...]"
}

role="${1:-api}"
if [ "$#" -gt 0 ]; then
  shift
fi

case "$role" in
  api) main="$APP_ROOT/apps/api/dist/main.js" ;;
  worker) main="$APP_ROOT/apps/worker/dist/main.js" ;;
  standalone) main="$APP_ROOT/apps/standalone/dist/main.js" ;;
  -h | --help | help)
    usage
    exit 0
    ;;
  *)
    echo "redstep-entrypoint: unknown role '$role'" >&2
    usage >&2
    exit 64
    ;;
esac

# exec: node becomes PID 1 and receives SIGTERM directly; the apps drain on it.
exec node "$@" "$main"
