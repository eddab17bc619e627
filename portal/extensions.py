"""Extensions, created unbound and attached in create_app (the Flask tutorial's pattern)."""

from flask_htmx import HTMX
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from portal.database import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
mail = Mail()
htmx = HTMX()
# Limits are per address; RATELIMIT_STORAGE_URI (Redis) shares them across processes.
limiter = Limiter(key_func=get_remote_address)
