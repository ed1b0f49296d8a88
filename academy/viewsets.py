"""Admin viewsets of the academy app."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.views.snippets import SnippetViewSet
from wagtail.users.views.users import EditView as WagtailUserEditView
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from .admin_access import RecordsWhoLooked
from .forms import AcademyUserCreationForm, AcademyUserEditForm
from .models import Force, GlossaryTerm


class UserEditView(RecordsWhoLooked, WagtailUserEditView):
    """An account in the admin: whoever opens it sees the person's data (recorded)."""

    data_access_what = _("Account and profile")

    def officers_seen(self, context):
        return [self.object.pk]


class UserViewSet(WagtailUserViewSet):
    """Wagtail's user admin, of any user model, with the academy profile's fields (the
    name on certificates, force, participant type, language)."""

    edit_view_class = UserEditView
    create_template_name = "academy/admin/user_create.html"
    edit_template_name = "academy/admin/user_edit.html"

    def get_form_class(self, for_update=False):
        return AcademyUserEditForm if for_update else AcademyUserCreationForm


class ForceViewSet(ModelViewSet):
    model = Force
    icon = "group"
    menu_label = _("Forces")
    add_to_settings_menu = True
    list_display = ["name", "city", "country", "requires_own_approval"]
    list_filter = ["country"]
    search_fields = ["name", "city"]
    ordering = ["country", "city", "name"]
    inspect_view_enabled = False


class GlossaryTermViewSet(SnippetViewSet):
    """The network glossary; network admins keep it (model permissions no city group has)."""

    model = GlossaryTerm
    icon = "help"
    menu_label = _("Glossary")
    add_to_settings_menu = True
    list_display = ["term", "term_fr", "term_nl", "term_es", "term_pt"]
    search_fields = ["term", "term_fr", "term_nl", "term_es", "term_pt", "definition"]
