"""A WSGI app served over real HTTP for a test: werkzeug's threaded server on 127.0.0.1 at
a free port, in a background thread, each request in a thread of its own (as under
gunicorn). For the browser tests, a callback from a local GOV.UK Notify or provider, and
requests sent at the same instant."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from wsgiref.types import WSGIApplication

from werkzeug.serving import WSGIRequestHandler, make_server


class _Quiet(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@contextmanager
def serving(app: WSGIApplication) -> Iterator[str]:
    """`app` on 127.0.0.1 at a free port, in a background thread; yields its URL."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Quiet)
    thread = threading.Thread(target=httpd.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join(timeout=10)
        httpd.server_close()
