"""WSGI entry point for gunicorn: `gunicorn academy.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings.production")

application = get_wsgi_application()
