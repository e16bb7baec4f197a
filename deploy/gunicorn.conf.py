"""gunicorn settings for NetLearn, overridable from the environment.

Workers are processes (the simulator is CPU-bound Python: threads would share one GIL). A request
that takes longer than ``GUNICORN_TIMEOUT`` seconds is killed and its worker replaced: every
simulator input is bounded, so no legitimate request comes near the default 30 s.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Each worker is recycled after max_requests plus a random share of up to half as many again, so
# memory cannot creep. Recycling is not free: a new worker imports Django again, about a second of
# CPU on a small machine. At 2,000 (the old default, jitter 200) a busy server spent a tenth of its
# CPU on it, and workers under even load reached the limit together and all restarted at once
# (benchmarks/web_history.md). Every cache NetLearn keeps in a process is bounded.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 2
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
