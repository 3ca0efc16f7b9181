"""gunicorn settings of the portal's web process (Procfile ``web``, deploy/bandaaceh-web.service).

Every value comes from the environment so that `make portal` and systemd share this file;
README "Configuration" lists the variables. Defaults suit a 2-core machine: 2 worker processes
x 4 threads (CKAN spends much of a request waiting on PostgreSQL and Solr).
No ``preload_app``: CKAN's DataStore keeps SQLAlchemy engines at module level, and engines
created before the fork would share their connections between workers.
"""
import os

bind = os.environ.get("BANDAACEH_WEB_BIND", "127.0.0.1:5000")
workers = int(os.environ.get("BANDAACEH_WEB_WORKERS", "2"))
threads = int(os.environ.get("BANDAACEH_WEB_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("BANDAACEH_WEB_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then: bounds the memory a long-lived CKAN process accumulates.
max_requests = int(os.environ.get("BANDAACEH_WEB_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# X-Forwarded-Proto etc. are trusted from the local reverse proxy (deploy/nginx-bandaaceh.conf).
forwarded_allow_ips = os.environ.get("BANDAACEH_WEB_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("BANDAACEH_WEB_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("BANDAACEH_WEB_LOG_LEVEL", "info")
proc_name = "bandaaceh-web"
reload = False
