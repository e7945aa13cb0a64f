"""The app served for a browser: a freshly migrated SQLite database and a werkzeug server on a free loopback port."""
from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from pathlib import Path


@contextlib.contextmanager
def serve_app(folder: Path, prepare: Callable | None = None) -> Iterator[str]:
    """Migrate a database under `folder`, build the app (CSRF on, rate limits off), run `prepare(app)` inside an app
    context if given, and serve it; yields the base URL and stops the server afterwards."""
    from werkzeug.serving import make_server

    import tutor
    from tutor.db import upgrade_database

    url = f"sqlite:///{folder}/browser.db"
    upgrade_database(url)
    app = tutor.create_app({"DATABASE_URL": url, "SECRET_KEY": "browser-tests", "TESTING": True,
                            "WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": False})
    if prepare is not None:
        with app.app_context():
            prepare(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="browser-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
