"""The academy's mail: ``send_to`` sends every e-mail of the plugin in its recipient's language;
``mail_settings`` says how mail goes out, as settings of the Django in use: ``MAILERS`` from
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


def send_to(
    user,
    template_prefix,
    context=None,
    *,
    subject,
    to=None,
    attachments=(),
    on_commit=False,
):
    """Email ``user`` in their language: every e-mail of the academy goes through here.

    The recipient's language (their academy profile's) is active while the subject
    (a string, a lazy string or a callable), ``<template_prefix>.txt`` (the text body),
    ``<template_prefix>.html`` (the HTML body) and any attachment whose content is a
    callable are rendered, whatever the language of the request that sends it. The
    templates get ``context`` with ``user``, ``recipient_name`` and ``language``. The
    message goes to the user's address, or to ``to`` (a list); with ``on_commit`` it is
    sent once the current transaction commits (a rolled-back change tells no one). A
    ``SentEmail`` row records what was sent to whom (not the text).
    """
    from django.core.mail import EmailMultiAlternatives
    from django.db import transaction
    from django.template.loader import render_to_string
    from django.utils import translation

    from .models import SentEmail, address_of, language_of, name_on_certificates

    language = language_of(user)
    with translation.override(language):
        context = {
            "user": user,
            "recipient_name": name_on_certificates(user),
            "language": language,
            **(context or {}),
        }
        message = EmailMultiAlternatives(
            subject=str(subject() if callable(subject) else subject),
            body=render_to_string(f"{template_prefix}.txt", context),
            to=to or [address_of(user)],
        )
        message.attach_alternative(
            render_to_string(f"{template_prefix}.html", context), "text/html"
        )
        for filename, content, mimetype in attachments:
            message.attach(filename, content() if callable(content) else content, mimetype)
    # What was sent to whom, never the text: My data lists it, retention removes it.
    if user.pk is not None:
        SentEmail.objects.create(
            recipient=user, template=template_prefix, subject=message.subject[:255]
        )
    if on_commit:
        transaction.on_commit(message.send)
    else:
        message.send()
    return message
