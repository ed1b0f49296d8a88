"""Delete sign-ups whose address was never confirmed: run daily (README, "Security")."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from home.accounts import purge_unconfirmed_accounts


class Command(BaseCommand):
    help = (
        "Delete accounts opened by sign-up and never confirmed, older than "
        "UNCONFIRMED_ACCOUNT_DAYS (accounts holding any record are kept)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Age in days (default: the UNCONFIRMED_ACCOUNT_DAYS setting).",
        )

    def handle(self, *args, days=None, **options):
        days = settings.UNCONFIRMED_ACCOUNT_DAYS if days is None else days
        purged = purge_unconfirmed_accounts(
            older_than=timezone.now() - datetime.timedelta(days=days)
        )
        self.stdout.write(f"{purged} unconfirmed accounts deleted.")
