"""The site's parts of the Wagtail admin."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views.account import BaseSettingsPanel

from .forms import AccountEmailForm


class AccountEmailPanel(BaseSettingsPanel):
    """The address of one's own account, in place of Wagtail's (switched off by
    WAGTAIL_EMAIL_MANAGEMENT_ENABLED): checked in any case against every other account,
    and changed only once the new address is confirmed."""

    name = "account_email"
    title = _("Email address")
    order = 110
    form_class = AccountEmailForm

    def get_form(self):
        kwargs = {"instance": self.user, "prefix": self.name, "request": self.request}
        if self.request.method == "POST":
            return self.form_class(self.request.POST, **kwargs)
        return self.form_class(**kwargs)


@hooks.register("register_account_settings_panel")
def register_account_email_panel(request, user, profile):
    return AccountEmailPanel(request, user, profile)
