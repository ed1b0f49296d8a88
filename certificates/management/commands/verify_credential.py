from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from certificates.credentials import BundleTrust, revoked_in_list, verify_credential
from certificates.pdf_signing import verify_pdf


class Command(BaseCommand):
    help = (
        "Verify a certificate file (its signed PDF, or its Open Badges credential as JSON or "
        "JWT): authentic or tampered, which academy issued it, revoked or expired. With "
        "--bundle, offline, from a folder written by export_trust_bundle; without, from this "
        "site's database. Exits 1 unless it holds."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--bundle", help="Folder written by export_trust_bundle.")

    def handle(self, *args, file, bundle=None, **options):
        try:
            data = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(str(error)) from error
        trust = trust_from(bundle)
        if data.lstrip()[:5].startswith(b"%PDF"):
            return self.verify_pdf(data, bundle, trust)
        verdict = verify_credential(data, trust)
        if not verdict.authentic:
            kind = "UNKNOWN ISSUER" if verdict.unknown_key else "TAMPERED"
            raise CommandError(f"{kind}: {verdict.problem}", returncode=1)
        self.stdout.write(f"AUTHENTIC ({verdict.form}), issued by {verdict.issuer_name}")
        self.stdout.write(f"  issuer: {verdict.issuer_id}")
        self.stdout.write(f"  achievement: {verdict.achievement}")
        if verdict.valid_until:
            self.stdout.write(f"  valid until: {verdict.valid_until}")
        self.conclude(verdict.revoked, verdict.expired, "no status list for it")

    def verify_pdf(self, data, bundle, trust):
        """A signed PDF: its signature under the network's root, and its bit in its academy's
        status list (the bundle's, offline; this site's otherwise)."""
        if bundle:
            from pyhanko.keys import load_cert_from_pemder

            roots = sorted((Path(bundle) / "roots").glob("*.pem"))
            result = verify_pdf(data, trust_roots=[load_cert_from_pemder(str(p)) for p in roots])
            expired = False
        else:
            from certificates.services import check_pdf

            result, certificate = check_pdf(data)
            expired = bool(certificate and certificate.is_expired)
        if not result.is_authentic:
            raise CommandError(
                f"{result.verdict.upper()}: not a PDF the network signed, as it is.", returncode=1
            )
        self.stdout.write(f"AUTHENTIC (PDF signature), issued by {result.academy_name}")
        self.stdout.write(f"  academy: {result.academy_code}")
        self.stdout.write(f"  serial: {result.serial}")
        if result.signed_at:
            self.stdout.write(f"  signed: {result.signed_at.isoformat()}")
        revoked = revoked_in_list(result.status, trust)
        self.conclude(revoked, expired, f"verify the code {result.code} online")

    def conclude(self, revoked, expired, unchecked):
        """Whether the authentic file still holds: exits 1 when it does not."""
        if revoked:
            raise CommandError("REVOKED (or superseded) by its academy.", returncode=1)
        if expired:
            raise CommandError("EXPIRED.", returncode=1)
        if revoked is None:
            self.stdout.write(f"  status: could not be checked ({unchecked})")
        else:
            self.stdout.write("  status: not revoked")
        self.stdout.write("VALID")


def trust_from(bundle):
    """The keys and status lists to check against: a bundle's (offline), or this site's."""
    if bundle:
        return BundleTrust(bundle)
    from certificates.issuers import DatabaseTrust

    return DatabaseTrust()
