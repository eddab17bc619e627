"""The children's social care complaints portal."""

from typing import Any

import sqlalchemy as sa
from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from jinja2.bccache import Bucket, BytecodeCache
from werkzeug.middleware.proxy_fix import ProxyFix

from portal.config import DEVELOPMENT_SECRET_KEY, INSTANCE_DIR, MIN_SECRET_KEY_LENGTH, Config
from portal.database import stop_reading, watch_connections
from portal.extensions import csrf, db, htmx, limiter, mail, migrate
from portal.numbers import DatabaseIntConverter
from portal.sessions import PortalSessionInterface

ROOT = INSTANCE_DIR.parent


class _SharedBytecodeCache(BytecodeCache):
    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._compiled.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = _SharedBytecodeCache()


class InsecureConfiguration(RuntimeError):
    pass


def _refuse_a_known_secret_key(app: Flask) -> None:
    """Outside development and the tests, the portal does not start with the built-in
    key, or a short one: a cookie signed with a known key is anyone's session."""
    if app.testing or app.config["PORTAL_ENV"] == "development":
        return
    key = str(app.config.get("SECRET_KEY") or "")
    if key == DEVELOPMENT_SECRET_KEY or len(key) < MIN_SECRET_KEY_LENGTH:
        raise InsecureConfiguration(
            f"Set SECRET_KEY to a random value of at least {MIN_SECRET_KEY_LENGTH} characters "
            '(python3 -c "import secrets; print(secrets.token_hex(32))"), the same on every '
            "instance. Only development (PORTAL_ENV=development) runs with the built-in key."
        )


def _check_directory(app: Flask) -> None:
    """With OIDC_ISSUER set, the portal does not start with the client or the groups'
    roles missing or wrong (docs/oidc.md)."""
    if app.config.get("OIDC_ISSUER"):
        from portal.services.directory import check_configuration

        check_configuration(app.config)


def _ping_postgresql_by_beginning(app: Flask) -> bool:
    """On PostgreSQL (psycopg), `pool_pre_ping` is done by each transaction's BEGIN
    (portal/database.py, `watch_connections`): the same check, one round trip fewer."""
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if not (options.get("pool_pre_ping") and url.drivername == "postgresql+psycopg"):
        return False
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**options, "pool_pre_ping": False}
    return True


def _check_limits_in_their_views(app: Flask) -> None:
    """Every limit here is on a view (`@limiter.limit`), which checks it when called.
    Flask-Limiter also looks before every request for limits on the whole app, a
    blueprint or by default (about 0.1 ms a page): with none set, it is not asked to."""
    manager = limiter.limit_manager
    if (
        manager.default_limits
        or manager.application_limits
        or manager._blueprint_limits
        or limiter._meta_limits
    ):
        return
    hooks = app.before_request_funcs.get(None, [])
    app.before_request_funcs[None] = [h for h in hooks if h != limiter._check_request_limit]


def create_app(config: type[Config] | dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_DIR),
        static_folder=str(ROOT / "static"),
        static_url_path="/static",
        template_folder=str(ROOT / "templates"),
    )
    # Before any route is added: every <int:...> is a number the database can hold.
    app.url_map.converters["int"] = DatabaseIntConverter
    app.session_interface = PortalSessionInterface()
    app.config.from_object(Config)
    if isinstance(config, dict):
        app.config.from_mapping(config)
    elif config is not None:
        app.config.from_object(config)
    _refuse_a_known_secret_key(app)
    _check_directory(app)
    INSTANCE_DIR.mkdir(exist_ok=True)
    if proxies := app.config["TRUSTED_PROXIES"]:
        # The person's own address for the limits, and https seen as https (HSTS, cookies).
        behind_proxies = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
        app.wsgi_app = behind_proxies  # type: ignore[method-assign]

    # Compiled templates are shared by every app built in this process (the tests build
    # one per test); Jinja keys each by name and source checksum, so an edit recompiles.
    app.jinja_options = {**app.jinja_options, "bytecode_cache": COMPILED_TEMPLATES}
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(ROOT / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    ping_by_beginning = _ping_postgresql_by_beginning(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    with app.app_context():
        watch_connections(
            db.engine,
            ping_by_beginning=ping_by_beginning,
            refuse_writes=app.config["REFUSE_WRITES_WHILE_READING"],
        )

    @app.teardown_request
    def stop_reading_at_the_end(error: BaseException | None) -> None:
        if db.session.registry.has():
            stop_reading(db.session())

    csrf.init_app(app)
    mail.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)

    from portal import delivery, errors, i18n, templating
    from portal.backoffice import auth
    from portal.backoffice import bp as backoffice_bp
    from portal.callbacks import bp as callbacks_bp
    from portal.cli import register_cli
    from portal.public import bp as public_bp
    from portal.services import effects  # noqa: F401  (registers what follows each event)

    templating.init_app(app)
    delivery.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    auth.init_app(app)
    register_cli(app)
    app.register_blueprint(public_bp)
    app.register_blueprint(backoffice_bp)
    # Notify's receipts carry a bearer token, not a form's CSRF token.
    csrf.exempt(callbacks_bp)
    app.register_blueprint(callbacks_bp)

    _check_limits_in_their_views(app)

    # Browsers ask for an icon by themselves; the crown is GOV.UK's alone, so: nothing.
    app.add_url_rule(
        "/favicon.ico",
        endpoint="favicon",
        view_func=lambda: ("", 204, {"Cache-Control": "public, max-age=86400"}),
    )
    # GOV.UK Frontend's CSS asks for fonts and icons at /assets.
    app.add_url_rule(
        "/assets/<path:filename>",
        endpoint="govuk_assets",
        view_func=lambda filename: app.send_static_file(f"assets/{filename}"),
    )
    return app
