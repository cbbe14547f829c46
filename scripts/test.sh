#!/usr/bin/env bash
# `make test`: lint, then the whole suite on PostgreSQL + Redis when they are reachable,
# then the database tests again on the embedded default (SQLite + filesystem broker).
set -euo pipefail
cd "$(dirname "$0")/.."

services=$(scripts/services.sh) || exit 1
eval "$services"
describe() { [ -n "$1" ] && echo "$2" | sed -E 's#://[^@/]*@#://#' || echo "$3"; }
echo "make test: database $(describe "$DATABASE_URL" "PostgreSQL $DATABASE_URL" "SQLite (var/test_portal_<pid>.sqlite3)"), broker $(describe "$REDIS_URL" "Redis $REDIS_URL" "kombu filesystem:// (var/celery)")"

make --no-print-directory venv-dev
scripts/browser.sh

export SECRET_KEY="${SECRET_KEY:-tests-only-not-secret}"
PY=.venv/bin/python
make --no-print-directory lint

status=0
if [ -n "$DATABASE_URL" ]; then
  echo "== pass 1: PostgreSQL and ${REDIS_URL:+Redis}${REDIS_URL:-the filesystem broker}: every test"
  DATABASE_URL="$DATABASE_URL" REDIS_URL="$REDIS_URL" $PY -m pytest "$@" || status=$?
  echo "== pass 2: SQLite and the filesystem broker (the embedded default): database tests"
  DATABASE_URL= REDIS_URL= $PY -m pytest -m "not postgres and not redis and not browser" "$@" || status=$?
else
  echo "== SQLite and ${REDIS_URL:+Redis}${REDIS_URL:-the filesystem broker}: every test"
  DATABASE_URL= REDIS_URL="$REDIS_URL" $PY -m pytest -m "not postgres" "$@" || status=$?
fi
exit $status
