"""Getting pages to a phone on a slow connection (docs/performance.md, "Public pages").

- The start page carries its stylesheet inline: on a slow mobile connection every extra
  request costs seconds before anything is drawn. The Content-Security-Policy allows that
  one stylesheet by its hash, never inline styles in general.
- The stylesheet and scripts are linked with a version taken from their contents, so a
  browser keeps them for a year and a new release is fetched at once.
- Text is sent gzipped when the browser asks for it: the static files, and pages with no
  secret in them. A page carrying a CSRF token (every form) is sent as it is, so that
  compression cannot leak the token a byte at a time (the BREACH attack).
"""

import base64
import gzip
import hashlib
from functools import cache, lru_cache
from pathlib import Path

from flask import Flask, Response, current_app, request, url_for
from markupsafe import Markup

YEAR = 365 * 24 * 3600
COMPRESSIBLE = {
    "text/css",
    "text/html",
    "text/javascript",
    "application/javascript",
    "application/json",
    "image/svg+xml",
    "text/csv",
}
SMALLEST_WORTH_COMPRESSING = 1024
# Pages whose body is the same for every visitor (one per language): each body is
# compressed once. The start page carries the whole stylesheet (137 KB).
SAME_FOR_EVERYONE = frozenset({"public.start"})


def _static(filename: str) -> Path:
    return Path(current_app.static_folder or "") / filename


@cache
def _version_of(path: Path, modified: float) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def static_url(filename: str) -> str:
    """The file's address with a version from its contents (kept a year by browsers)."""
    path = _static(filename)
    version = _version_of(path, path.stat().st_mtime) if path.exists() else "missing"
    return url_for("static", filename=filename, v=version)


@cache
def _inline(path: Path, modified: float) -> tuple[str, str]:
    css = path.read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode()
    return css, f"'sha256-{digest}'"


def inline_stylesheet() -> Markup:
    """The whole stylesheet as a <style> element, for the first page a person sees."""
    path = _static("dist/app.css")
    css, _ = _inline(path, path.stat().st_mtime)
    # Already a style element's text: a </style> inside it cannot come from a person.
    return Markup(f"<style>{css}</style>")


def inline_style_hash() -> str:
    """For the Content-Security-Policy: the inline stylesheet and nothing else."""
    path = _static("dist/app.css")
    if not path.exists():
        return ""
    return _inline(path, path.stat().st_mtime)[1]


def _worth_compressing(response: Response) -> bool:
    if "gzip" not in request.headers.get("Accept-Encoding", ""):
        return False
    if response.status_code != 200 or "Content-Encoding" in response.headers:
        return False
    return response.mimetype in COMPRESSIBLE


def _compress(response: Response) -> Response:
    if not _worth_compressing(response):
        return response
    response.direct_passthrough = False  # a static file: read it to compress it
    body = response.get_data()
    if len(body) < SMALLEST_WORTH_COMPRESSING:
        return response
    if response.mimetype == "text/html" and b'name="csrf_token"' in body:
        return response  # a secret beside what a person typed: never compressed (BREACH)
    if request.endpoint == "static" and response.get_etag()[0]:
        etag = response.get_etag()[0]
        response.set_data(_compressed_file(etag, body))
        response.set_etag(f"{etag}-gzip")  # not the same bytes as the plain file
    elif request.endpoint in SAME_FOR_EVERYONE:
        response.set_data(_compressed_page(body))
    else:
        response.set_data(gzip.compress(body, compresslevel=6, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    return response


@cache
def _compressed_file(etag: str, body: bytes) -> bytes:
    """A static file compressed once per version, not on every request."""
    return gzip.compress(body, compresslevel=6, mtime=0)


@lru_cache(maxsize=8)
def _compressed_page(body: bytes) -> bytes:
    return gzip.compress(body, compresslevel=6, mtime=0)


def _cache_versioned(response: Response) -> Response:
    if request.endpoint == "static" and request.args.get("v") and response.status_code == 200:
        response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    return response


def init_app(app: Flask) -> None:
    app.add_template_global(static_url)
    app.add_template_global(inline_stylesheet)

    @app.after_request
    def deliver(response: Response) -> Response:
        return _compress(_cache_versioned(response))
