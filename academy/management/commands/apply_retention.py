"""Apply the retention periods (run it daily): remove each kind of record kept longer than
its period, as the apps declare them (``academy.personal_data.add_retention``)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from academy.personal_data import registry


class Command(BaseCommand):
    help = (
        "Remove the records kept longer than their retention period (unconfirmed and "
        "inactive accounts, written answers, sign-in records, e-mail logs); says what went."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would go, remove nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        verb = "would remove" if dry_run else "removed"
        for rule in registry.retention.values():
            # One rule at a time: what one removed stays removed if a later one fails.
            with transaction.atomic():
                count = rule.run(dry_run=dry_run)
            self.stdout.write(
                f"{rule.name}: {verb} {count} (kept {rule.days} days, {rule.setting})"
            )
