from django.conf import settings
from django.core.management.base import BaseCommand

from courses.notifications import remind_sessions_starting
from courses.services import remind_modules_left


class Command(BaseCommand):
    help = (
        "Email the reminders that are due: sessions starting soon and modules left before a "
        "session ends. Each is sent once, so running it more than once a day is harmless."
    )

    def handle(self, *args, **options):
        reminder_days = getattr(settings, "REMINDER_DAYS", [7, 1])
        starting = sum(remind_sessions_starting(days) for days in reminder_days)
        left = sum(remind_modules_left(days) for days in reminder_days)
        self.stdout.write(f"{starting} session reminder(s), {left} modules-left reminder(s).")
