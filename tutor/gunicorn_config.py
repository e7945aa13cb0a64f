"""gunicorn's settings for the tutor in production: `gunicorn -c python:tutor.gunicorn_config 'tutor:create_app()'`.

`tutor serve --prod` and bench/load.py start gunicorn with this module; options given on the command line win over
it (`--worker-class gthread --threads 4`, say).

- The inline worker and the quick access log of tutor.serving.
- The app is loaded once in the master (preload_app) and warmed there (tutor.serving.warm) before any worker is
  forked: every worker, and every worker forked again to replace one that died, starts with the lessons and chat
  replies rendered, sharing the master's copy of them until it changes its own.
- Database connections are never shared across a fork: the master opens none, and each worker drops any its pool
  inherited without closing them (SQLAlchemy's advice for pools and os.fork).
"""
from __future__ import annotations

import time

worker_class = "tutor.serving.InlineWorker"
logger_class = "tutor.serving.AccessLog"
preload_app = True


def when_ready(server) -> None:
    """In the master, after the app is loaded and before the workers are forked."""
    from tutor.serving import warm

    start = time.perf_counter()
    try:
        done = warm(server.app.wsgi())
    except Exception:
        server.log.exception("warming the caches failed; serving without")
        return
    server.log.info("warmed %d lessons and their chat replies in %.1f s", done, time.perf_counter() - start)


def post_fork(server, worker) -> None:
    """In each new worker: the pool it inherited must not hand the master's connections to this process."""
    engine = server.app.wsgi().extensions.get("db_engine")
    if engine is not None:
        engine.dispose(close=False)
