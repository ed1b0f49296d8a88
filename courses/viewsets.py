"""Sessions in the Wagtail admin: the city-scoped viewset with its form, list and buttons."""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.forms import modelform_factory
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import DeleteView, EditView, IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies import ModelPermissionPolicy

from academy.models import AcademyPage
from courses.models import CoursePage, Session
from courses.services import update_session


class CitySessionPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, and on top of them: only sessions of the user's own academies.

    A session that has enrolments is never deleted (it is cancelled instead).
    """

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "delete" and instance.enrolments.exists():
            return False
        return self.user_has_permission(user, action) and (
            user.is_superuser
            or AcademyPage.objects.staffed_by(user).filter(pk=instance.academy_id).exists()
        )

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(self.user_has_permission_for_instance(user, a, instance) for a in actions)

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return Session.objects.none()
        return Session.objects.for_staff(user)


class SessionForm(WagtailAdminModelForm):
    """Coordinators pick among their own academies, courses and trainers only."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        # Lists, not page choosers: a chooser would browse every city's page tree, and
        # Wagtail words its button once, in whichever language was active first.
        for name in ("academy", "course"):
            self.fields[name].widget = forms.Select(choices=self.fields[name].choices)
        if for_user is None:
            return
        academies = AcademyPage.objects.in_default_locale()
        if not for_user.is_superuser:
            academies = academies.coordinated_by(for_user)
        self.fields["academy"].queryset = academies
        if not self.instance.pk and len(academies) == 1:
            self.initial.setdefault("academy", academies[0].pk)
        courses = CoursePage.objects.none()
        for academy in academies:
            courses |= CoursePage.objects.of_academy(academy)
        self.fields["course"].queryset = courses.order_by("title")
        self.fields["trainers"].queryset = (
            get_user_model().objects.filter(groups__in=academies.values("trainer_group")).distinct()
        )


class SessionIndexView(IndexView):
    def get_base_queryset(self):
        return (
            Session.objects.for_staff(self.request.user)
            .select_related("academy", "course")
            .with_places_taken()
        )

    def order_queryset(self, queryset):
        """Unless a column is picked: current and upcoming sessions first, the soonest at the
        top, then past ones, the latest first (what a coordinator works on comes first)."""
        if self.ordering:
            return super().order_queryset(queryset)
        return queryset.current_first()

    def get_list_more_buttons(self, instance):
        more = session_buttons(self.request.user, instance, MenuItem)
        return [*super().get_list_more_buttons(instance), *more]


class CitySessionsMixin:
    """Every view of the session viewset: a session of another city is not found, whatever
    the view (edit, delete, inspect, history, usage, copy, and any other the viewset adds).

    The check runs before the view answers, so no view needs its own."""

    def city_sessions(self):
        return self.permission_policy.instances_user_has_any_permission_for(
            self.request.user, ["add", "change", "delete", "view"]
        )

    def dispatch(self, request, *args, **kwargs):
        pk = kwargs.get("pk")
        if pk is not None and not self.city_sessions().filter(pk=unquote(str(pk))).exists():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_base_object_queryset(self):
        # History and usage fetch their session while being set up, before dispatch.
        return self.city_sessions()


class SessionEditView(CitySessionsMixin, EditView):
    @cached_property
    def header_more_buttons(self):
        more = session_buttons(self.request.user, self.object, Button)
        return [*super().header_more_buttons, *more]

    def save_instance(self):
        """Wagtail's edit (form, log entry), through the service that updates calendars."""
        return update_session(self.form.instance, save=super().save_instance)


class SessionInspectView(CitySessionsMixin, InspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(self.city_sessions(), pk=self.pk)


class SessionDeleteView(CitySessionsMixin, DeleteView):
    """Sessions that have enrolments are cancelled, never deleted: their records stay."""

    def dispatch(self, request, *args, **kwargs):
        session = self.get_object()
        if session.enrolments.exists():
            messages.error(
                request,
                _("This session has enrolments: cancel it instead, so that its officers are told."),
            )
            return redirect("sessions:edit", session.pk)
        return super().dispatch(request, *args, **kwargs)


def session_buttons(user, session, button):
    """Links from a session to its enrolments, its register and its cancellation."""
    links = [(_("Enrolments"), "academy_session_enrolments", "group", 30)]
    if session.takes_attendance:
        links.append((_("Attendance register"), "academy_session_attendance", "tasks", 40))
    if not session.is_cancelled and user.has_perm("courses.change_session"):
        links.append((_("Cancel session"), "academy_session_cancel", "cross", 50))
    # Other apps add their own links (certificates) without this app knowing them.
    for hook in hooks.get_hooks("register_session_admin_links"):
        links.extend(hook(user, session))
    return [
        button(label, url=reverse(name, args=[session.pk]), icon_name=icon, priority=priority)
        for label, name, icon, priority in links
    ]


class SessionViewSet(ModelViewSet):
    model = Session
    icon = "date"
    menu_label = _("Sessions")
    menu_order = 260
    add_to_admin_menu = True
    index_view_class = SessionIndexView
    edit_view_class = SessionEditView
    delete_view_class = SessionDeleteView
    inspect_view_class = SessionInspectView
    form_fields = [
        "academy",
        "course",
        "kind",
        "title",
        "starts_on",
        "ends_on",
        "format",
        "venue",
        "language",
        "capacity",
        "enrolment_opens_at",
        "enrolment_closes_at",
        "approval_required",
        "certificates_on_completion",
        "trainers",
    ]
    list_display = [
        "title",
        "academy",
        "starts_on",
        "format",
        "capacity",
        Column("places_taken", label=_("Places taken"), sort_key="places_taken"),
        "cancelled_at",
    ]
    list_filter = ["kind", "format", "academy"]
    search_fields = ["title", "venue"]
    inspect_view_enabled = True

    def get_form_class(self, for_update=False):
        return modelform_factory(Session, form=SessionForm, fields=self.form_fields)

    def construct_view(self, view_class, **kwargs):
        """Each view of this viewset is city-scoped, including those Wagtail adds itself."""
        if not issubclass(view_class, CitySessionsMixin):
            view_class = type(view_class.__name__, (CitySessionsMixin, view_class), {})
        return super().construct_view(view_class, **kwargs)
