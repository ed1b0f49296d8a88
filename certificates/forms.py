"""Forms of the certificates app."""

from django import forms
from django.utils.translation import gettext_lazy as _


class VerifyCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=60,
        help_text=_(
            "As printed under the QR code, e.g. ABCD-EFGH-…; dashes and case do not matter."
        ),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to no one but the academy's staff; the verification page says revoked."),
    )
