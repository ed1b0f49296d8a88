"""The site's Wagtail user admin: the academy's, with the site's e-mail address forms."""

from academy.viewsets import UserEditView as AcademyUserEditView
from academy.viewsets import UserViewSet as AcademyUserViewSet

from .forms import SiteUserCreationForm, SiteUserEditForm


class UserEditView(AcademyUserEditView):
    def get_form_kwargs(self):
        # The form says, next to "User updated", that a new address waits for its link.
        return {**super().get_form_kwargs(), "request": self.request}


class UserViewSet(AcademyUserViewSet):
    edit_view_class = UserEditView

    def get_form_class(self, for_update=False):
        return SiteUserEditForm if for_update else SiteUserCreationForm
