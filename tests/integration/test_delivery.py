"""Getting pages to a slow phone (portal/delivery.py): the start page brings its own
stylesheet, allowed by its hash and nothing else; text goes gzipped when asked for, except a
page with a CSRF token (BREACH); versioned static files are kept by browsers for a year."""

import base64
import gzip
import hashlib
import re

from backoffice_helpers import browser, sign_in_as_manager
from flask import Flask
from flask.testing import FlaskClient

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def test_the_start_page_carries_its_stylesheet_allowed_by_its_hash_alone(
    client: FlaskClient,
) -> None:
    response = client.get("/")
    html = response.get_data(as_text=True)
    (css,) = re.findall(r"<style>(.*?)</style>", html, flags=re.S)
    assert ".govuk-header" in css
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    policy = response.headers["Content-Security-Policy"]
    assert f"style-src 'self' 'sha256-{digest}';" in policy
    assert "unsafe-inline" not in policy
    assert 'rel="stylesheet"' not in html  # nothing else to wait for before drawing


def test_other_pages_link_the_stylesheet_by_a_version_kept_for_a_year(
    client: FlaskClient,
) -> None:
    html = client.get("/make-a-complaint/who-are-you").get_data(as_text=True)
    assert "<style>" not in html
    (href,) = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert re.fullmatch(r"/static/dist/app\.css\?v=[0-9a-f]{12}", href), href
    stylesheet = client.get(href)
    assert stylesheet.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # Unversioned, the browser checks again each time.
    assert "immutable" not in client.get("/static/dist/app.css").headers.get("Cache-Control", "")


def test_text_is_gzipped_when_the_browser_asks(client: FlaskClient) -> None:
    plain = client.get("/static/dist/app.css")
    packed = client.get("/static/dist/app.css", headers=GZIP)
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) < len(plain.data) / 4
    assert packed.headers["ETag"] != plain.headers["ETag"]
    start = client.get("/", headers=GZIP)
    assert start.headers["Content-Encoding"] == "gzip"
    assert b"<style>" in gzip.decompress(start.data)
    assert "Content-Encoding" not in client.get("/").headers  # not asked: not sent


def test_a_page_with_a_csrf_token_is_never_compressed(client: FlaskClient) -> None:
    # Compressing a secret beside text a person controls lets an attacker guess the secret
    # from the sizes (BREACH): forms go as they are.
    form = client.get("/make-a-complaint/who-are-you", headers=GZIP)
    assert 'name="csrf_token"' in form.get_data(as_text=True)
    assert "Content-Encoding" not in form.headers


def test_the_icon_browsers_ask_for_by_themselves_is_an_empty_answer(client: FlaskClient) -> None:
    # Not the 404 page, a request on a slow phone every first visit.
    response = client.get("/favicon.ico")
    assert (response.status_code, response.data) == (204, b"")
    assert "max-age" in response.headers["Cache-Control"]


def test_htmx_is_loaded_only_by_the_back_office_whose_pages_use_it(
    app: Flask, client: FlaskClient
) -> None:
    # No public page has an hx- attribute: a slow phone is not made to fetch 51 KB for none.
    for public in ("/", "/make-a-complaint/who-are-you", "/privacy"):
        html = client.get(public).get_data(as_text=True)
        assert "htmx" not in html, public
    staff = browser(app)
    sign_in_as_manager(staff)
    queue = staff.get("/staff/").get_data(as_text=True)
    assert "data-hx-get" in queue
    assert re.search(r'<script defer src="/static/dist/htmx\.min\.js\?v=[0-9a-f]{12}">', queue)
