"""WSGI entry point (gunicorn xiage.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiage.settings")

application = get_wsgi_application()
