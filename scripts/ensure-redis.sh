#!/usr/bin/env bash
# Make sure `redis-server` is installed, for keyrelay's Redis tests (the tests
# start their own throwaway server on a free loopback port; nothing is left
# running). Installs Debian's `redis-server` package when it is missing.
# Usage: bash scripts/ensure-redis.sh
set -euo pipefail

if command -v redis-server >/dev/null 2>&1; then
  echo "ensure-redis: $(redis-server --version | head -n 1)"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-redis: redis-server is missing and apt-get is not available; install Redis 6.2+ and put redis-server on the PATH" >&2
  exit 1
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
  else
    echo "ensure-redis: redis-server is missing; run as root or install sudo (apt-get install -y redis-server)" >&2
    exit 1
  fi
fi

echo "ensure-redis: installing Debian's redis-server package"
${as_root[@]+"${as_root[@]}"} apt-get update -qq
DEBIAN_FRONTEND=noninteractive ${as_root[@]+"${as_root[@]}"} apt-get install -y -qq --no-install-recommends redis-server >/dev/null

if ! command -v redis-server >/dev/null 2>&1; then
  echo "ensure-redis: redis-server is still not on the PATH after installing" >&2
  exit 1
fi
echo "ensure-redis: $(redis-server --version | head -n 1)"
