from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from academy.models import AcademyPage
from certificates.issuers import did_of, rotate_issuer_key
from certificates.keys import KeyUnavailable
from certificates.models import IssuerKey


class Command(BaseCommand):
    help = (
        "Give an academy a new Ed25519 signing key. The old key stops signing but stays in the "
        "academy's did:web document, so that the credentials it signed still verify."
    )

    def add_arguments(self, parser):
        parser.add_argument("academy", help="The academy's city code, e.g. LIS.")
        parser.add_argument(
            "--withdraw",
            metavar="KEY_ID",
            help="Instead, withdraw a key that stopped signing (it leaked, or all it signed "
            "has expired): it leaves the did document and what it signed no longer verifies.",
        )

    def handle(self, *args, academy, withdraw=None, **options):
        page = AcademyPage.objects.in_default_locale().filter(code=academy.upper()).first()
        if page is None:
            raise CommandError(f"No academy has the code {academy}.")
        if withdraw:
            withdrawn = IssuerKey.objects.filter(
                academy=page, key_id=withdraw, retired_at__isnull=False, withdrawn_at__isnull=True
            ).update(withdrawn_at=timezone.now())
            if not withdrawn:
                raise CommandError(
                    f"{page.code} has no key {withdraw} that stopped signing: rotate first."
                )
            self.stdout.write(f"{withdraw} withdrawn from {did_of(page.code)}.")
            return
        try:
            key = rotate_issuer_key(page)
        except KeyUnavailable as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{did_of(page.code)}#{key.key_id} now signs {page.title}'s credentials.")
