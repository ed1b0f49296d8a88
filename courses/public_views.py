"""What officers do on course pages: mark a module done, keep time and place in a module."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.services import EnrolmentRefused

from .models import ModulePage
from .queries import course_progress, enrolment_for
from .services import complete_module, record_heartbeat


def _module_and_enrolment(request, pk):
    """The live module and the officer's enrolment in its course; 404 without one."""
    module = get_object_or_404(ModulePage.objects.live().public(), pk=pk)
    course = module.get_parent().specific
    enrolment = enrolment_for(request.user, course)
    if enrolment is None:
        raise Http404
    return module, course, enrolment


@require_POST
@login_required
def mark_module_done(request, pk):
    """Mark a module done (a second click changes nothing) and go on to the next one."""
    module, course, enrolment = _module_and_enrolment(request, pk)
    if module.package_id:
        # What the package reports decides, not a click.
        messages.error(request, _("This module is done when you complete its package."))
        return redirect(module.url)
    try:
        complete_module(enrolment, module)
    except EnrolmentRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(module.url)
    enrolment.refresh_from_db()
    if enrolment.state == enrolment.State.COMPLETED:
        messages.success(request, _("You have completed this course. Well done!"))
        return redirect(course.url)
    modules = ModulePage.objects.child_of(course).live().public().defer_streamfields()
    following = course_progress(enrolment, modules).next_step
    messages.success(request, _("Module done."))
    return redirect(following.module.url if following else course.url)


@require_POST
@login_required
def module_heartbeat(request, pk):
    """The module page, while visible, reports every half minute; answers 204 No Content."""
    module, _course, enrolment = _module_and_enrolment(request, pk)
    try:
        position = int(request.POST.get("position", 0))
    except ValueError:
        position = 0
    record_heartbeat(enrolment, module, position)
    return HttpResponse(status=204)
