#!/usr/bin/env bash
# Starts the machine's PostgreSQL 15 and Redis when they are installed but
# stopped, so the tests that need real servers can run. Idempotent.
set -euo pipefail

if command -v pg_ctlcluster >/dev/null 2>&1; then
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    echo "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
  fi
  pg_isready -h 127.0.0.1 -p 5432
else
  echo "PostgreSQL is not installed here; tests that need it will say so"
fi

if command -v redis-server >/dev/null 2>&1; then
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    echo "starting Redis"
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" \
      --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
    sleep 0.5
  fi
  echo "redis: $(redis-cli -h 127.0.0.1 -p 6379 ping)"
else
  echo "Redis is not installed here; tests that need it will say so"
fi
