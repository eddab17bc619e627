"""Extensions, created unbound and attached in create_app (the Flask tutorial's pattern)."""

from flask_htmx import HTMX
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
