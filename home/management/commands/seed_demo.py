from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from academy.demo import DEMO_PASSWORD, demo_logins, seed_network
from academy.models import AcademyPage
from certificates.demo import seed_certificate_templates
from courses.demo import seed_courses, seed_sessions
from courses.models import CoursePage

# Demo officers have made-up addresses: the enrolment emails the demo causes stay unsent.
UNSENT = "django.core.mail.backends.dummy.EmailBackend"


class Command(BaseCommand):
    help = "Load the demo network: four academies, their courses and demo users. Safe to rerun."

    def handle(self, *args, **options):
        with override_settings(EMAIL_BACKEND=UNSENT), transaction.atomic():
            onboardings = seed_network()
            seed_courses(onboardings)
            seed_certificate_templates(onboardings)
            seed_sessions(onboardings)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo network ready: {AcademyPage.objects.in_default_locale().count()} academies, "
                f"{CoursePage.objects.live().count()} published courses."
            )
        )
        self.stdout.write(f"Sign in with the password '{DEMO_PASSWORD}' (demo only):")
        for email, role in demo_logins():
            self.stdout.write(f"  {email.ljust(40)} {role}")
