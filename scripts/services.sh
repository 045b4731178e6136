#!/usr/bin/env bash
# Makes PostgreSQL and Redis reachable: reuses running ones (DATABASE_URL / REDIS_URL or the
# local defaults), else starts private instances with their data under .local/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

pg_up() { pg_isready -q -h "${PGHOST:-127.0.0.1}" -p "${PGPORT:-5432}" 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p "${REDIS_PORT:-6379}" ping 2>/dev/null | grep -q PONG; }

if pg_up; then
  note "PostgreSQL reachable"
else
  clusters=$(ls /etc/postgresql 2>/dev/null | head -1 || true)
  if [ -n "$clusters" ] && pg_ctlcluster --skip-systemctl-redirect "$clusters" main start 2>/dev/null; then
    note "started the system PostgreSQL cluster $clusters/main"
  else
    bin=$(ls -d /usr/lib/postgresql/*/bin | tail -1)
    data=.local/postgres
    if [ ! -d "$data" ]; then
      mkdir -p .local && chown -R postgres .local 2>/dev/null || true
      runuser -u postgres -- "$bin/initdb" -D "$data" -A trust >/dev/null
    fi
    runuser -u postgres -- "$bin/pg_ctl" -D "$data" -l .local/postgres.log -o "-p 5432 -k /tmp" start >/dev/null
    note "started a private PostgreSQL in $data"
  fi
fi

if redis_up; then
  note "Redis reachable"
else
  mkdir -p .local/redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no --dir "$PWD/.local/redis" \
    --logfile "$PWD/.local/redis.log" >/dev/null
  for _ in $(seq 50); do redis_up && break; sleep 0.1; done
  redis_up && note "started a private Redis" || die "Redis did not start; see .local/redis.log"
fi
