import json
from pathlib import Path

from django.core.management.base import BaseCommand

from academy.models import AcademyPage
from certificates.issuers import did_document, status_list_credential
from certificates.pdf_signing import trust_root_files


class Command(BaseCommand):
    help = (
        "Write what a verifier needs to check the network's credentials offline: each "
        "academy's did:web document (did/<CODE>.json) and signed status list "
        "(status/<CODE>.json), and the network's root certificate that signed PDFs are checked "
        "under (roots/). Public data only; copy the folder to the verifying machine."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, *args, directory, **options):
        root = Path(directory)
        (root / "did").mkdir(parents=True, exist_ok=True)
        (root / "status").mkdir(parents=True, exist_ok=True)
        academies = AcademyPage.objects.in_default_locale().live().order_by("code")
        for academy in academies:
            for folder, document in (
                ("did", did_document(academy)),
                ("status", status_list_credential(academy)),
            ):
                path = root / folder / f"{academy.code}.json"
                path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        roots = [path for path in trust_root_files() if path.is_file()]
        if roots:
            (root / "roots").mkdir(exist_ok=True)
        for path in roots:  # certificates only: the root's key never leaves the key folder
            (root / "roots" / path.name).write_bytes(path.read_bytes())
        self.stdout.write(f"{len(academies)} academies and {len(roots)} root(s) written to {root}.")
