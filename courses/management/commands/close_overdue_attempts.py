from django.core.management.base import BaseCommand

from courses.services import close_overdue_attempts


class Command(BaseCommand):
    help = (
        "Submit the assessment attempts whose time is up, with the answers saved so far. "
        "Run it every minute (cron, or the task worker's scheduler)."
    )

    def handle(self, *args, **options):
        closed = close_overdue_attempts()
        self.stdout.write(f"{closed} attempt(s) closed.")
