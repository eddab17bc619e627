"""Callbacks: what other services post to the portal, with no person signed in. GOV.UK
Notify's delivery receipts and returned letters (views.py; docs/notify.md, "Delivery
receipts"). Each request proves itself with a bearer token from configuration, so these
routes carry no CSRF token and no session."""

from flask import Blueprint

bp = Blueprint("callbacks", __name__, url_prefix="/notify")

from portal.callbacks import views  # noqa: E402,F401  (registers the routes)
