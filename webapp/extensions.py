"""Unbound Flask extensions; ``create_app`` binds them to an app."""
from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from webapp.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
compress = Compress()
login = LoginManager()
#: storage comes from RATELIMIT_STORAGE_URI ("memory://" by default; redis://… for several hosts)
limiter = Limiter(key_func=get_remote_address)
