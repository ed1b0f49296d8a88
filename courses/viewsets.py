"""Sessions in the Wagtail admin: the city-scoped viewset with its form, list and buttons."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.forms import modelform_factory
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

from academy import policy
from academy.policy import CityPermissionPolicy, CityViewSetMixin
from courses.models import CoursePage, PracticePage, Session
from courses.services import update_session


class CitySessionPermissionPolicy(CityPermissionPolicy):
    """The city policy, with the user's model permissions (trainers view sessions, only
    coordinators change them). A session that has enrolments is never deleted (it is
    cancelled instead)."""

    def __init__(self, model=Session):
        super().__init__(model, model_permissions=True)

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "delete" and instance.enrolments.exists():
            return False
        return super().user_has_permission_for_instance(user, action, instance)


class SessionForm(WagtailAdminModelForm):
    """Coordinators pick among their own academies, courses and trainers only."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        # Lists, not page choosers: a chooser would browse every city's page tree, and
        # Wagtail words its button once, in whichever language was active first.
        for name in ("academy", "course", "practice"):
            self.fields[name].widget = forms.Select(choices=self.fields[name].choices)
        if for_user is None:
            return
        academies = policy.academies_for(for_user, "add").in_default_locale()
        self.fields["academy"].queryset = academies
        if not self.instance.pk and len(academies) == 1:
            self.initial.setdefault("academy", academies[0].pk)
        courses = CoursePage.objects.none()
        for academy in academies:
            courses |= CoursePage.objects.of_academy(academy)
        self.fields["course"].queryset = courses.order_by("title")
        # The practice under review is the host's; practices presented are any city's
        # published ones, or the user's own cities' drafts.
        own_practices = PracticePage.objects.none()
        for academy in academies:
            own_practices |= PracticePage.objects.of_academy(academy)
        self.fields["practice"].queryset = own_practices.order_by("title")
        self.fields["practices"].queryset = (
            PracticePage.objects.live().public() | own_practices
        ).order_by("title")
        self.fields["trainers"].queryset = (
            get_user_model().objects.filter(groups__in=academies.values("trainer_group")).distinct()
        )


class SessionIndexView(IndexView):
    def get_base_queryset(self):
        return (
            policy.scope(Session.objects.all(), self.request.user, "view")
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


class SessionEditView(EditView):
    @cached_property
    def header_more_buttons(self):
        more = session_buttons(self.request.user, self.object, Button)
        return [*super().header_more_buttons, *more]

    def save_instance(self):
        """Wagtail's edit (form, log entry), through the service that updates calendars."""
        return update_session(self.form.instance, save=super().save_instance)


class SessionInspectView(InspectView):
    def get_object(self, queryset=None):
        return get_object_or_404(self.city_records(), pk=self.pk)


class SessionDeleteView(DeleteView):
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
    if (
        session.kind == Session.Kind.PEER_REVIEW
        and session.practice_id
        and policy.may_act_on(user, "publish_report", session)
    ):
        links.append((_("Peer-review report"), "academy_session_review_report", "doc-full", 45))
    if not session.is_cancelled and policy.may_act_on(user, "cancel", session):
        links.append((_("Cancel session"), "academy_session_cancel", "cross", 50))
    # Other apps add their own links (certificates) without this app knowing them.
    for hook in hooks.get_hooks("register_session_admin_links"):
        links.extend(hook(user, session))
    return [
        button(label, url=reverse(name, args=[session.pk]), icon_name=icon, priority=priority)
        for label, name, icon, priority in links
    ]


class SessionViewSet(CityViewSetMixin, ModelViewSet):
    """Every view of the viewset (edit, delete, inspect, history, usage, copy, and any
    other Wagtail adds) is kept to the user's cities by the city policy."""

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
        "admits_partners",
        "practice",
        "practices",
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
