#!/usr/bin/env bash
# `make serve`: the production stack on this machine. DEBUG off, static files collected and
# served by whitenoise, gunicorn with gunicorn.conf.py (several threaded workers), and the
# background worker beside it; against DATABASE_URL and CACHE_URL when they are set (else
# the SQLite file and a per-process cache, as `make run`).
#
# What production needs and a laptop lacks is made once and kept in var/ (git ignores it):
# a SECRET_KEY and a FEEDBACK_KEYS key. Plain HTTP on the loopback: no redirect to HTTPS.
# Anything set in the environment wins (SECRET_KEY, ALLOWED_HOSTS, WEB_CONCURRENCY...).
set -euo pipefail
cd "$(dirname "$0")/.."
RUN=${RUN:-uv run --frozen}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

mkdir -p var
if [ ! -s var/secret_key ]; then
  python3 -c "import secrets; print(secrets.token_urlsafe(64))" > var/secret_key
fi
if [ ! -s var/feedback_key ]; then
  python3 -c "import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())" \
    > var/feedback_key
fi
chmod 600 var/secret_key var/feedback_key

export DEBUG=false
export SECRET_KEY=${SECRET_KEY:-$(cat var/secret_key)}
export FEEDBACK_KEYS=${FEEDBACK_KEYS:-$(cat var/feedback_key)}
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-$HOST,localhost}
export SITE_URL=${SITE_URL:-http://$HOST:$PORT}
export SECURE_SSL_REDIRECT=${SECURE_SSL_REDIRECT:-false}
export GUNICORN_BIND=${GUNICORN_BIND:-$HOST:$PORT}

$RUN python manage.py migrate --no-input -v0
# Production reads static files from the manifest collectstatic writes: without it every page
# would answer 500.
$RUN python manage.py collectstatic --no-input -v0

$RUN python manage.py worker --interval 1 --verbosity 0 &
worker=$!
trap 'kill $worker 2>/dev/null' EXIT INT TERM
echo "Serving on $SITE_URL with gunicorn (DEBUG off); the background worker runs beside it."
$RUN gunicorn -c gunicorn.conf.py rightsmonitor.wsgi
