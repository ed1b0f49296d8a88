from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from certificates.credentials import BundleTrust, verify_credential


class Command(BaseCommand):
    help = (
        "Verify an Open Badges credential file (JSON or JWT): authentic or tampered, which "
        "academy issued it, revoked or expired. With --bundle, offline, from a folder written "
        "by export_trust_bundle; without, from this site's database. Exits 1 unless it holds."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--bundle", help="Folder written by export_trust_bundle.")

    def handle(self, *args, file, bundle=None, **options):
        try:
            data = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(str(error)) from error
        if bundle:
            trust = BundleTrust(bundle)
        else:
            from certificates.issuers import DatabaseTrust

            trust = DatabaseTrust()
        verdict = verify_credential(data, trust)
        if not verdict.authentic:
            kind = "UNKNOWN ISSUER" if verdict.unknown_key else "TAMPERED"
            raise CommandError(f"{kind}: {verdict.problem}", returncode=1)
        self.stdout.write(f"AUTHENTIC ({verdict.form}), issued by {verdict.issuer_name}")
        self.stdout.write(f"  issuer: {verdict.issuer_id}")
        self.stdout.write(f"  achievement: {verdict.achievement}")
        if verdict.valid_until:
            self.stdout.write(f"  valid until: {verdict.valid_until}")
        if verdict.revoked:
            raise CommandError("REVOKED (or superseded) by its academy.", returncode=1)
        if verdict.expired:
            raise CommandError("EXPIRED.", returncode=1)
        if verdict.revoked is None:
            self.stdout.write("  status: could not be checked (no status list for it)")
        else:
            self.stdout.write("  status: not revoked")
        self.stdout.write("VALID")
