from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from academy.models import COUNTRIES
from academy.services import onboard_city


class Command(BaseCommand):
    help = (
        "Onboard a host city: its academy page, collection, coordinator and trainer groups "
        "and moderation workflow. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--city", required=True, help="City name, e.g. Lisbon")
        parser.add_argument(
            "--country", required=True, choices=[code for code, _ in COUNTRIES], help="e.g. PT"
        )
        parser.add_argument("--code", required=True, help="Three capital letters, e.g. LIS")
        parser.add_argument("--academy-name", required=True, help="e.g. Lisbon Municipal Police")
        parser.add_argument("--language", default="en", help="Default language, e.g. pt")

    def handle(self, *args, **options):
        code = options["code"]
        if len(code) != 3 or not code.isalpha() or not code.isupper():
            raise CommandError("--code must be three capital letters, e.g. LIS.")
        try:
            result = onboard_city(
                city=options["city"],
                country=options["country"],
                code=code,
                academy_name=options["academy_name"],
                default_language=options["language"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        if result.created:
            for item in result.created:
                self.stdout.write(f"created {item}")
            self.stdout.write(self.style.SUCCESS(f"{options['city']} is onboarded."))
        else:
            self.stdout.write(f"{options['city']} was already onboarded; nothing changed.")
