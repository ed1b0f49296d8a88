"""Local development: `make demo`. Never used in production."""

import os

from academy.mail import mail_settings

from .base import *  # noqa: F403
from .base import env_list

DEBUG = True
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
# Mail is printed in the terminal.
globals().update(
    mail_settings(os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"))
)
