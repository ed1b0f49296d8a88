from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from academy.mail import mail_settings
from academy.models import AcademyPage
from courses.models import CoursePage
from home.demo.content import DemoDataError, read
from home.demo.loader import DEMO_PASSWORD, demo_logins, load_demo
from home.demo.network_extras import load_extras
from home.demo.privacy_notice import load_privacy_notice
from home.demo.scale import OFFICER_DOMAIN, NetworkAlreadyBuilt, seed_network_at_scale

# Demo officers have made-up addresses: the enrolment emails the demo causes stay unsent.
UNSENT = "django.core.mail.backends.dummy.EmailBackend"


def positive_scale(value):
    scale = float(value)
    if not scale > 0:
        raise ValueError(value)
    return scale


class Command(BaseCommand):
    help = (
        "Load the demo network from home/demo/data/: four academies, their courses and demo "
        "users. Safe to rerun."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=positive_scale,
            metavar="N",
            help=(
                "Also build a large network for load tests: per unit, 4 courses of 10 modules, "
                "1,000 officers and 10,000 module-progress rows (fractions allowed, e.g. 0.05)."
            ),
        )

    def handle(self, *args, scale=None, **options):
        try:
            content = read()
        except DemoDataError as error:
            raise CommandError(f"The demo data is wrong: {error}") from None
        # The demo's signing keys first: the certificates load_demo issues are signed.
        call_command(
            "make_demo_pki",
            academy=[f"{academy['code']}:{academy['name']}" for academy in content.academies],
            stdout=self.stdout,
        )
        # load_demo commits on its own, so what is issued on commit (certificates) is counted.
        with override_settings(**mail_settings(UNSENT)):
            loaded = load_demo(content)
        notices = load_privacy_notice()
        if notices:
            self.stdout.write(f"  {notices:>6,}  privacy notice pages added")
        # Practices, peer reviews, glossary, own-force approval (issue 21).
        with override_settings(**mail_settings(UNSENT)):
            try:
                extras = load_extras()
            except DemoDataError as error:
                raise CommandError(f"The demo data is wrong: {error}") from None
        if loaded.changed or any(extras.added.values()):
            for what, count in {**loaded.added, **extras.added}.items():
                if count:
                    self.stdout.write(f"  {count:>6,}  {what} added")
        else:
            self.stdout.write("The demo network is already loaded: nothing changed.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo network ready: {AcademyPage.objects.in_default_locale().count()} academies, "
                f"{CoursePage.objects.live().count()} published courses."
            )
        )
        self.stdout.write(f"Sign in with the password '{DEMO_PASSWORD}' (demo only):")
        for email, role in [*demo_logins(content), *extras.logins]:
            self.stdout.write(f"  {email.ljust(40)} {role}")
        if scale is not None:
            self.build_at_scale(scale)

    def build_at_scale(self, scale):
        try:
            with override_settings(**mail_settings(UNSENT)):
                network = seed_network_at_scale(scale)
        except NetworkAlreadyBuilt as refusal:
            raise CommandError(str(refusal)) from None
        if not network.built:
            self.stdout.write(
                f"The network at scale {scale:g} is already there "
                f"({network.size.officers} officers): nothing added."
            )
            return
        self.stdout.write(
            self.style.SUCCESS(f"Network at scale {scale:g} built in {network.seconds:.1f} s:")
        )
        for what, count in network.counts.items():
            self.stdout.write(f"  {count:>8,}  {what}")
        self.stdout.write(
            f"Its officers sign in as officer.00001@{OFFICER_DOMAIN} … "
            f"officer.{network.size.officers:05d}@{OFFICER_DOMAIN}, same password."
        )
