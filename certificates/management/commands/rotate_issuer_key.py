from django.core.management.base import BaseCommand, CommandError

from academy.models import AcademyPage
from certificates.issuers import did_of, rotate_issuer_key
from certificates.keys import KeyUnavailable


class Command(BaseCommand):
    help = (
        "Give an academy a new Ed25519 signing key. The old key stops signing but stays in the "
        "academy's did:web document, so that the credentials it signed still verify."
    )

    def add_arguments(self, parser):
        parser.add_argument("academy", help="The academy's city code, e.g. LIS.")

    def handle(self, *args, academy, **options):
        page = AcademyPage.objects.in_default_locale().filter(code=academy.upper()).first()
        if page is None:
            raise CommandError(f"No academy has the code {academy}.")
        try:
            key = rotate_issuer_key(page)
        except KeyUnavailable as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{did_of(page.code)}#{key.key_id} now signs {page.title}'s credentials.")
