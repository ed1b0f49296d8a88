"""Who is asking: the visitor's network address, for the limits that count per address
(sign-in lockout, certificate verification)."""

from django.conf import settings


def client_address(request):
    """The visitor's address. Behind ``TRUSTED_PROXIES`` proxies (the TLS proxy of
    production), the address the nearest of them saw, taken from the right of
    X-Forwarded-For (entries further left are whatever the client sent); otherwise the
    connection's own."""
    proxies = getattr(settings, "TRUSTED_PROXIES", 0)
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
