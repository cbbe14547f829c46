#!/usr/bin/env bash
# Finds PostgreSQL and Redis for the test run, starting them if they are installed but
# stopped. Prints `export` lines for DATABASE_URL and REDIS_URL (empty when unavailable),
# then a one-line summary on stderr. With CI=true, a missing server is an error.
set -u

reachable() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
wait_for() { for _ in $(seq 1 30); do reachable "$1" "$2" && return 0; sleep 0.5; done; return 1; }

pg_host=127.0.0.1; pg_port=5432; redis_host=127.0.0.1; redis_port=6379

database_url="${DATABASE_URL:-}"
if [ -z "$database_url" ]; then
  if ! reachable $pg_host $pg_port && command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start >/dev/null 2>&1 || true
    wait_for $pg_host $pg_port || true
  fi
  reachable $pg_host $pg_port && database_url="postgres://postgres@$pg_host:$pg_port/portal"
fi

redis_url="${REDIS_URL:-}"
if [ -z "$redis_url" ]; then
  if ! reachable $redis_host $redis_port && command -v redis-server >/dev/null 2>&1; then
    redis-server --daemonize yes --bind 127.0.0.1 --port $redis_port --save "" --appendonly no >/dev/null 2>&1 || true
    wait_for $redis_host $redis_port || true
  fi
  # Database 15: the tests purge their queue and must not touch a development broker.
  reachable $redis_host $redis_port && redis_url="redis://$redis_host:$redis_port/15"
fi

if [ "${CI:-}" = "true" ]; then
  [ -n "$database_url" ] || { echo "CI: PostgreSQL is not reachable on $pg_host:$pg_port" >&2; exit 1; }
  [ -n "$redis_url" ] || { echo "CI: Redis is not reachable on $redis_host:$redis_port" >&2; exit 1; }
fi
echo "export DATABASE_URL='$database_url' REDIS_URL='$redis_url'"
