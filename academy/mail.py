"""How the academy's mail goes out, as settings of the Django in use: ``MAILERS`` from
Django 6.1, where the ``EMAIL_*`` settings are deprecated; ``EMAIL_*`` before it."""

import django

SMTP = "django.core.mail.backends.smtp.EmailBackend"
_OLD_NAMES = {
    "host": "EMAIL_HOST",
    "port": "EMAIL_PORT",
    "username": "EMAIL_HOST_USER",
    "password": "EMAIL_HOST_PASSWORD",
    "use_tls": "EMAIL_USE_TLS",
}


def mail_settings(backend, **smtp):
    """Settings that send the site's mail through ``backend``; ``smtp`` (host, port,
    username, password, use_tls) counts for the SMTP backend only."""
    if django.VERSION >= (6, 1):
        mailer = {"BACKEND": backend}
        if backend == SMTP:
            mailer["OPTIONS"] = smtp
        return {"MAILERS": {"default": mailer}}
    return {"EMAIL_BACKEND": backend, **{_OLD_NAMES[name]: value for name, value in smtp.items()}}
