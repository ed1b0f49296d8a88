from django.conf import settings
from django.core.management.base import BaseCommand

from certificates.renewals import remind_certificates_expiring


class Command(BaseCommand):
    help = (
        "Email officers whose certificate expires soon (CERTIFICATE_EXPIRY_REMINDER_DAYS, by "
        "default 60 and 14 days before), with the sessions that renew it. Each is sent once."
    )

    def handle(self, *args, **options):
        days = getattr(settings, "CERTIFICATE_EXPIRY_REMINDER_DAYS", [60, 14])
        sent = sum(remind_certificates_expiring(day) for day in days)
        self.stdout.write(f"{sent} expiry reminder(s).")
