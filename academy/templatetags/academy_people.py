"""People in the academy's templates, whatever the site's user model."""

from django import template

from academy.models import address_of, name_on_certificates

register = template.Library()


@register.filter
def certificate_name(user):
    """The name of ``user`` as certificates print it (select the profile with the user)."""
    return name_on_certificates(user) if user else ""


@register.filter
def email_address(user):
    """The address of ``user``, in whatever field the site's user model keeps it."""
    return address_of(user)
