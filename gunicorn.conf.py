"""gunicorn's settings for Rights Monitor; gunicorn reads this file from the directory it is
started in (``gunicorn rightsmonitor.wsgi``). Each can be changed through the environment.

Threads, not sync workers: a sync worker that answers one request for longer than ``timeout``
is killed by the arbiter, and a long open-data download (the whole UN index as CSV takes a
minute) was cut off mid-stream, looking complete. A threaded worker tells the arbiter it is alive
from its own loop while its threads stream, so ``timeout`` only catches a worker that hangs.
Streamed responses go out chunked (HTTP/1.1): a download that is cut off lacks the last chunk,
and browsers, curl and HTTP libraries report it as incomplete.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Seconds a worker may stay silent (not per request: threads keep streaming meanwhile).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Restart each worker now and then, so that a slow leak cannot grow for ever.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
# Logs to the standard streams; the process manager keeps them.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # empty: no access log
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Behind a proxy on the same host that sets X-Forwarded-Proto (docs/deployment).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
