"""Reactions of the courses app to the academy's events."""

from django.dispatch import receiver

from courses.signals import attendance_marked

from .services import evaluate_completion


@receiver(attendance_marked)
def complete_when_attendance_meets_the_rule(sender, enrolment, **kwargs):
    evaluate_completion(enrolment)
