import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# Serving (gunicorn, or runserver) with DEBUG off needs a secret key of its own: with the development key anyone
# could forge sessions, password-reset links and signed values.
if not settings.DEBUG and settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Set it in the environment (or .env) to a long random value, "
        "or set DEBUG=true for development."
    )
