"""Production settings, served by gunicorn over plain HTTP on 127.0.0.1 for the load test.

Everything else comes from the environment as in production (``loadtest/run.py`` sets
``SECURE_SSL_REDIRECT=false`` and ``BEHIND_TLS_PROXY=false``: there is no TLS proxy in
front). Never used to serve anyone but the load test's own clients.
"""

from config.settings.production import *  # noqa: F403

# Cookies marked Secure never travel back over plain HTTP: sign-in and CSRF would fail.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
