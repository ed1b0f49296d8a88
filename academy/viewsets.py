"""Admin viewsets of the academy app."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.users.views.users import EditView as WagtailUserEditView
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from .forms import AcademyUserCreationForm, AcademyUserEditForm
from .models import Force


class UserEditView(WagtailUserEditView):
    def get_form_kwargs(self):
        # The form says, next to "User updated", that a new address waits for its link.
        return {**super().get_form_kwargs(), "request": self.request}


class UserViewSet(WagtailUserViewSet):
    edit_view_class = UserEditView

    def get_form_class(self, for_update=False):
        return AcademyUserEditForm if for_update else AcademyUserCreationForm


class ForceViewSet(ModelViewSet):
    model = Force
    icon = "group"
    menu_label = _("Forces")
    add_to_settings_menu = True
    list_display = ["name", "city", "country"]
    list_filter = ["country"]
    search_fields = ["name", "city"]
    ordering = ["country", "city", "name"]
    inspect_view_enabled = False
