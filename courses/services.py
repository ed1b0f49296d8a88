"""Domain operations on courses."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.actions.copy_page import CopyPageAction

from academy.models import AcademyPage

from .models import CoursePage


def academy_of(page):
    """The academy a course (or a page under it) belongs to."""
    return AcademyPage.objects.ancestor_of(page).first()


def shareable_courses(user):
    """Published courses of the academies the user does not coordinate."""
    own = AcademyPage.objects.coordinated_by(user)
    courses = CoursePage.objects.live().public().specific().select_related("origin_academy")
    for academy in own:
        courses = courses.not_descendant_of(academy)
    return courses.order_by("title")


@transaction.atomic
def copy_course_to_academy(course, academy, user):
    """Copy a published course of another academy, with its modules and assessments, as a draft.

    The copy is owned by ``user``, goes through the receiving city's moderation
    like any draft, and keeps credit to the academy that wrote it. Only a coordinator
    of ``academy`` may do this.
    """
    if not AcademyPage.objects.coordinated_by(user).filter(pk=academy.pk).exists():
        raise PermissionDenied(
            _("Only coordinators of %(academy)s can copy courses into it.")
            % {"academy": academy.title}
        )
    source_academy = academy_of(course)
    if not course.live:
        raise ValidationError(_("Only published courses can be copied."))
    if source_academy is None or source_academy.pk == academy.pk:
        raise ValidationError(
            _("This course already belongs to %(academy)s.") % {"academy": academy.title}
        )
    slug = course.slug
    taken = set(academy.get_children().values_list("slug", flat=True))
    suffix = 2
    while slug in taken:
        slug = f"{course.slug}-{suffix}"
        suffix += 1
    copy = CopyPageAction(
        course,
        to=academy,
        recursive=True,
        keep_live=False,
        copy_revisions=False,
        user=user,
        update_attrs={
            "slug": slug,
            "origin_academy": course.origin_academy or source_academy,
        },
    ).execute(skip_permission_checks=True)
    return copy.specific
