"""Certificates react to the academy's completion event."""

from django.dispatch import receiver

from courses.signals import enrolment_completed

from .services import issue_on_completion


@receiver(enrolment_completed)
def issue_when_the_session_says_so(sender, enrolment, **kwargs):
    """A failed issue (a broken template, say) leaves the completion as it is: the task
    backend records the failure and the session's certificates page offers to issue it."""
    if enrolment.session.certificates_on_completion:
        issue_on_completion.enqueue(enrolment.pk)
