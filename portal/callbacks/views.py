"""GOV.UK Notify's callbacks: a delivery receipt for each email and text message, and a
returned letter. Notify sends `Authorization: Bearer <token>`, the token the council
gave it (NOTIFY_CALLBACK_TOKEN), and JSON; it retries a callback that fails.

The answers say nothing of what the portal holds: a receipt for a notification it does
not know is answered as one it recorded (204)."""

import hmac

from flask import current_app, request
from werkzeug.wrappers import Response

from portal.callbacks import bp
from portal.services import receipts


def _refused() -> tuple[dict[str, str], int, dict[str, str]] | None:
    """401 without a bearer token, 403 with the wrong one, or with none configured (a
    portal that has not set NOTIFY_CALLBACK_TOKEN takes no receipts); None if allowed."""
    expected = current_app.config.get("NOTIFY_CALLBACK_TOKEN") or ""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return {"error": "a bearer token is required"}, 401, {"WWW-Authenticate": "Bearer"}
    # Compared in constant time: how long a refusal takes says nothing of the token.
    if not expected or not hmac.compare_digest(token.strip().encode(), expected.encode()):
        return {"error": "the bearer token is not accepted"}, 403, {}
    return None


def _take(*, returned: bool) -> Response | tuple[dict[str, str], int, dict[str, str]]:
    refused = _refused()
    if refused is not None:
        return refused
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return {"error": "the body must be a JSON object"}, 400, {}
    try:
        receipt = (
            receipts.Receipt.of_returned_letter(payload)
            if returned
            else receipts.Receipt.of_delivery(payload)
        )
    except receipts.NotAReceipt as error:
        return {"error": str(error)}, 400, {}
    receipts.record(receipt)
    return Response(status=204)


@bp.post("/receipts")
def delivery_receipt() -> Response | tuple[dict[str, str], int, dict[str, str]]:
    return _take(returned=False)


@bp.post("/returned-letters")
def returned_letter() -> Response | tuple[dict[str, str], int, dict[str, str]]:
    return _take(returned=True)
