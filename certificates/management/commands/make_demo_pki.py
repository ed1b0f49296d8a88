from django.core.management.base import BaseCommand, CommandError

from academy.models import AcademyPage
from certificates.pdf_signing import key_file, signing_settings
from certificates.pki import make_academy_identity, make_root


class Command(BaseCommand):
    help = (
        "Demo only: a network root certificate and a signing certificate for each academy "
        "that has none, in CERTIFICATE_SIGNING['KEY_DIR'] (never in the media nor in git). "
        "Safe to rerun."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--academy",
            action="append",
            default=[],
            metavar="CODE:NAME",
            help="An academy that may not exist yet (seed_demo names the demo's).",
        )

    def handle(self, *args, academy=(), **options):
        configured = signing_settings()
        key_dir = configured["KEY_DIR"]
        if key_dir is None:
            raise CommandError("Set CERTIFICATE_SIGNING['KEY_DIR'] first.")
        academies = dict(AcademyPage.objects.in_default_locale().values_list("code", "title"))
        for given in academy:
            code, _sep, name = given.partition(":")
            academies.setdefault(code, name or code)
        root = make_root(key_dir, passphrase=configured["PASSPHRASE"])
        made = 0
        for code, name in sorted(academies.items()):
            if key_file(code).is_file():
                continue
            make_academy_identity(
                key_dir, code=code, name=name, passphrase=configured["PASSPHRASE"], root=root
            )
            made += 1
        self.stdout.write(
            f"Signing keys in {key_dir}: {made} made, {len(academies) - made} already there."
        )
