#!/usr/bin/env bash
# `make run`: the whole portal on one machine with no server: SQLite, kombu's filesystem
# transport, a Celery worker and beat. Ctrl-C stops all of it.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-true}"
export PATH="$PWD/.venv/bin:$PATH"
PY=.venv/bin/python
$PY manage.py migrate --no-input -v 0
$PY manage.py seed_demo
echo
echo "Portal: http://127.0.0.1:${PORTAL_PORT:-8000}/   API docs: http://127.0.0.1:${PORTAL_PORT:-8000}/api/docs/"
echo "Database: ${DATABASE_URL:-SQLite var/portal.sqlite3}; broker: ${REDIS_URL:-filesystem:// under var/celery}"
exec .venv/bin/honcho -f Procfile start
