"""Forms of the certificates app."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class VerifyCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=60,
        help_text=_(
            "As printed under the QR code, e.g. ABCD-EFGH-…; dashes and case do not matter."
        ),
    )


class VerifyFileForm(forms.Form):
    file = forms.FileField(
        label=_("Certificate file"),
        help_text=_(
            "The certificate PDF, its Open Badges credential (.json) or its JWT (.jwt), as the "
            "holder downloaded it."
        ),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Shown on the public verification page with the word revoked: nothing personal."
        ),
    )


class StoredSignature:
    """A stored signature as the template form shows it: a link to the admin view that
    checks who asks (the file itself has no public address)."""

    def __init__(self, signatory_pk):
        self.url = reverse("certificates_admin_signature", args=[signatory_pk])

    def __str__(self):
        return gettext("the signature on file")


class SignatureInput(forms.ClearableFileInput):
    """Upload of a signature image; the one on file is shown through a checked view."""

    def __init__(self, attrs=None):
        super().__init__({"accept": "image/png,image/jpeg", **(attrs or {})})

    def is_initial(self, value):
        instance = getattr(value, "instance", None)
        return bool(value and getattr(value, "name", None) and instance and instance.pk)

    def format_value(self, value):
        if self.is_initial(value):
            return StoredSignature(value.instance.pk)
        return None
