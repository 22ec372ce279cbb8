"""gunicorn settings for running cmmrm in production.

Run from the project root: gunicorn -c deploy/gunicorn.conf.py cmmrm.wsgi
Each value can be changed from the environment; see the README's deployment section.
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Sync workers: every request is short except the PDF report, which takes seconds of
# CPU; WEB_CONCURRENCY (read by gunicorn itself too) sets how many run at once.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# A complete PDF report takes some ten seconds on a small server.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
# Recycle workers now and then, so a slow leak cannot grow for ever.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# Addresses of the load balancers allowed to say a request came over HTTPS.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
