"""English and Welsh. Every public page, message and email is translatable; Welsh is
offered on every public page when the council turns it on (always in Wales). The
person's language is remembered on their submission, for the acknowledgement and later
emails."""

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import Babel

LANGUAGES = {"en": "English", "cy": "Cymraeg"}
babel = Babel()


def welsh_enabled() -> bool:
    return bool(current_app.config["WELSH_ENABLED"])


def current_language() -> str:
    # Outside a request (a submission recorded by a service or a command) there is no
    # visitor to ask: English.
    if not has_request_context():
        return "en"
    language = session.get("language", "en")
    return language if language in LANGUAGES and (language == "en" or welsh_enabled()) else "en"


def _remember_choice() -> None:
    """`?lang=cy` on any page switches language, and it is remembered."""
    chosen = request.args.get("lang")
    if chosen in LANGUAGES and (chosen == "en" or welsh_enabled()):
        session["language"] = chosen


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=current_language)
    app.before_request(_remember_choice)

    @app.context_processor
    def languages() -> dict[str, object]:
        return {
            "language": current_language(),
            "other_language": "en" if current_language() == "cy" else "cy",
            "LANGUAGES": LANGUAGES,
            "welsh_enabled": welsh_enabled(),
        }
