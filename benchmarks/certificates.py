"""Certificate printing, measured side by side in one run (``make bench``).

1. One certificate, median ms: our xhtml2pdf path; the same PDF signed (PAdES, the academy's
   key from its PKCS#12 file); the signature alone; verifying a signed PDF (verify_pdf); the
   same certificate drawn directly on the ReportLab canvas (the floor); WeasyPrint on the
   same HTML (where installed).
2. A session of 1,000 completed officers issued in the background (the batch task on the
   immediate backend), every certificate signed: total time and the process's peak memory.

Runs on a throwaway SQLite database; writes ``benchmarks/results/certificates.{json,md}``.
Figures, not assertions: the test suite never times anything.
"""

import datetime
import os
import platform
import resource
import secrets
import statistics
import sys
import tempfile
import time

from harness import ROOT, run_on_a_throwaway_database  # sets Django up: before its imports

# isort: split
from django.utils import timezone

RUNS = int(os.environ.get("BENCH_RUNS", "25"))
SESSION_SIZE = int(os.environ.get("BENCH_SESSION_SIZE", "1000"))


def median_ms(function, runs=RUNS):
    function()  # warm up: fonts, templates, imports
    timings = []
    for _run in range(runs):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def canvas_certificate(snapshot, code, url, *, reportlab_qr=False):
    """The same certificate drawn straight onto a ReportLab canvas: no HTML, no CSS.

    ``reportlab_qr``: the QR code drawn by ReportLab's own widget, as the floor was measured
    before our QR code came from zxing-cpp (most of that floor was ReportLab's encoder)."""
    import base64
    import io

    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import cm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    from certificates.rendering import qr_code, register_fonts
    from certificates.services import _signature_data_uri, verification_url

    def picture_of(data_uri):
        return ImageReader(io.BytesIO(base64.b64decode(data_uri.partition(",")[2])))

    register_fonts()
    buffer = io.BytesIO()
    width, height = landscape(A4)
    page = canvas.Canvas(buffer, pagesize=(width, height))
    accent = HexColor(snapshot["accent"])
    page.setStrokeColor(accent)
    page.setLineWidth(4)
    page.rect(1.4 * cm, 1.4 * cm, width - 2.8 * cm, height - 2.8 * cm)
    page.setFont("AcademySans-10", 13)
    page.setFillColor(accent)
    page.drawString(3 * cm, height - 3 * cm, snapshot["academy"])
    page.line(2.3 * cm, height - 4.1 * cm, width - 2.3 * cm, height - 4.1 * cm)
    page.setFont("AcademySans-10", 10)
    page.drawRightString(width - 2.4 * cm, height - 3 * cm, snapshot["serial"])
    page.setFillColor(HexColor("#4a5563"))
    page.setFont("AcademySans-00", 8.5)
    page.drawString(
        3 * cm, height - 3.6 * cm, "EU-POLNET Academy · network of local police academies"
    )
    page.setFont("AcademySans-00", 9)
    page.drawRightString(
        width - 2.4 * cm, height - 3.6 * cm, f"{snapshot['city']}, {snapshot['date']}"
    )
    page.setFillColor(accent)
    page.setFont("AcademySerif-10", 32)
    page.drawCentredString(width / 2, height - 5.5 * cm, snapshot["title"])
    page.setFillColor(HexColor("#1b2430"))
    page.setFont("AcademySerif-10", 26)
    page.drawCentredString(width / 2, height - 7.3 * cm, snapshot["name"])
    page.setFont("AcademySans-00", 13)
    words, line, lines = snapshot["body"].split(), "", []
    for word in words:
        if page.stringWidth(f"{line} {word}", "AcademySans-00", 13) > width - 6.6 * cm:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    for number, content in enumerate(lines):
        page.drawCentredString(width / 2, height - (9.8 + 0.7 * number) * cm, content)
    page.setStrokeColor(HexColor("#1b2430"))
    page.setLineWidth(0.75)
    for index, signatory in enumerate(snapshot["signatories"]):
        x = 2.5 * cm + index * 5.5 * cm
        if signatory.get("signature"):  # the same picture as ours, as ours prepares it
            page.drawImage(
                picture_of(_signature_data_uri(signatory["signature"])),
                x,
                4.3 * cm,
                height=1.1 * cm,
                width=5 * cm,
                preserveAspectRatio=True,
            )
        page.line(x, 4.2 * cm, x + 5 * cm, 4.2 * cm)
        page.setFont("AcademySans-00", 10)
        page.drawCentredString(x + 2.5 * cm, 3.7 * cm, signatory["name"])
        page.setFont("AcademySans-00", 9)
        page.drawCentredString(x + 2.5 * cm, 3.2 * cm, signatory["function"])
    if reportlab_qr:
        from reportlab.graphics import renderPDF
        from reportlab.graphics.barcode.qr import QrCodeWidget
        from reportlab.graphics.shapes import Drawing

        qr = QrCodeWidget(url)
        left, bottom, right, top = qr.getBounds()
        scale = [2.8 * cm / (right - left), 0, 0, 2.8 * cm / (top - bottom), 0, 0]
        drawing = Drawing(2.8 * cm, 2.8 * cm, transform=scale)
        drawing.add(qr)
        renderPDF.draw(drawing, page, width - 5.2 * cm, 2.2 * cm)
    else:
        # The same QR picture as ours (zxing-cpp): the floor measures drawing, not encoders.
        page.drawImage(picture_of(qr_code(url)), width - 5.2 * cm, 2.2 * cm, 2.8 * cm, 2.8 * cm)
    page.setFont("AcademySans-00", 7.5)
    for number, content in enumerate(
        ["Verify this certificate at", verification_url(), "with the code", code]
    ):
        page.drawRightString(width - 5.6 * cm, (4.2 - 0.35 * number) * cm, content)
    page.showPage()
    page.save()
    return buffer.getvalue()


def weasyprint_certificate(html):
    import weasyprint

    return weasyprint.HTML(string=html, base_url=str(ROOT)).write_pdf()


def with_font_faces(html):
    """WeasyPrint finds fonts through CSS: give it the same DejaVu files, embedded alike."""
    from certificates.rendering import ASSETS_DIR, FONT_FAMILIES

    faces = "".join(
        f"@font-face {{ font-family: {family}; src: url('file://{ASSETS_DIR / 'fonts' / name}');"
        f" font-weight: {'bold' if bold else 'normal'};"
        f" font-style: {'italic' if italic else 'normal'}; }}"
        for family, files in FONT_FAMILIES.items()
        for (bold, italic), name in files.items()
    )
    return html.replace("<style>", f"<style>{faces}", 1)


def main():
    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="bench-media-"))
    os.environ.setdefault("PRIVATE_STORAGE_ROOT", tempfile.mkdtemp(prefix="bench-private-"))
    run_on_a_throwaway_database("certificates", run, markdown)


def run():
    from django.conf import settings
    from django.template.loader import render_to_string
    from django.utils import translation

    from academy.services import onboard_city
    from certificates.models import Certificate, CertificateBatch
    from certificates.pdf_signing import sign_pdf, verify_pdf
    from certificates.pki import make_academy_identity
    from certificates.services import (
        build_snapshot,
        draw,
        issue_session_certificates,
        template_for,
        verification_url,
    )
    from courses.models import Enrolment
    from home.demo.content import read
    from home.demo.loader import load_certificate_templates
    from tests.academy.sessions import make_session
    from tests.factories import UserFactory

    lisbon = onboard_city(
        city="Lisbon", country="PT", code="LIS", academy_name="Lisbon Municipal Police"
    )
    load_certificate_templates(read(), {"LIS": lisbon.academy})
    # A network root and Lisbon's key, as make_demo_pki makes them: certificates are signed.
    key_dir = tempfile.mkdtemp(prefix="bench-pki-")
    passphrase = secrets.token_urlsafe(16)
    settings.CERTIFICATE_SIGNING = {"KEY_DIR": key_dir, "PASSPHRASE": passphrase}
    make_academy_identity(key_dir, code="LIS", name=lisbon.academy.title, passphrase=passphrase)
    session = make_session(
        lisbon.academy,
        capacity=SESSION_SIZE,
        certificates_on_completion=False,
        title="Exchange Day Lisbon: community policing in practice",
    )
    template = template_for(session)
    snapshot = build_snapshot(
        officer_name="Γιώργος Παπαδόπουλος",
        session=session,
        course=None,
        template=template,
        language="pt",
        serial="LIS-2026-000042",
        issued_on=timezone.localdate(),
    )
    code = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    unsigned = draw(snapshot, code)

    def signed(pdf=None):
        return sign_pdf(
            pdf or draw(snapshot, code), academy_code="LIS", serial=snapshot["serial"], code=code
        )

    signed_pdf = signed()
    if not verify_pdf(signed_pdf).is_authentic:
        raise SystemExit("The signed certificate does not verify: nothing measured.")
    single = {
        "xhtml2pdf (ours)": median_ms(lambda: draw(snapshot, code)),
        "xhtml2pdf + PAdES signature (ours, as issued)": median_ms(signed),
        "PAdES signature alone": median_ms(lambda: signed(unsigned)),
        "verify_pdf of a signed certificate": median_ms(lambda: verify_pdf(signed_pdf)),
        "ReportLab canvas (floor)": median_ms(
            lambda: canvas_certificate(snapshot, code, verification_url(code))
        ),
        "ReportLab canvas, QR by ReportLab's encoder (the floor before zxing-cpp)": median_ms(
            lambda: canvas_certificate(snapshot, code, verification_url(code), reportlab_qr=True)
        ),
    }
    try:
        with translation.override("pt"):
            html = render_to_string(
                "certificates/certificate.html",
                {
                    "certificate": snapshot,
                    "code": code,
                    "verification_url": verification_url(code),
                    "verify_page": verification_url(),
                    "signatories": snapshot["signatories"],
                },
            )
        html = with_font_faces(html)
        single["WeasyPrint (same HTML)"] = median_ms(
            lambda: weasyprint_certificate(html), runs=max(RUNS // 5, 3)
        )
    except (ImportError, OSError) as error:
        single["WeasyPrint (same HTML)"] = None
        print(f"WeasyPrint not measured: {error}", file=sys.stderr)

    officers = UserFactory.create_batch(SESSION_SIZE, preferred_language="pt")
    Enrolment.objects.bulk_create(
        Enrolment(
            officer=officer,
            session=session,
            state=Enrolment.State.COMPLETED,
            completed_at=timezone.now(),
        )
        for officer in officers
    )
    batch = CertificateBatch.objects.create(session=session)
    started = time.perf_counter()
    issue_session_certificates.call(batch.pk)
    total = time.perf_counter() - started
    batch.refresh_from_db()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    floor = single["ReportLab canvas (floor)"]
    return {
        "date": datetime.date.today().isoformat(),
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "single_ms": single,
        "ratio_to_floor": {name: (ms / floor if ms else None) for name, ms in single.items()},
        "session": {
            "certificates": batch.issued,
            "failed": batch.failed,
            "seconds": total,
            "per_certificate_ms": 1000 * total / max(batch.issued, 1),
            "peak_memory_mb": peak_mb,
            "serials_unique": Certificate.objects.values("serial").distinct().count()
            == batch.issued,
            "all_signed": verify_pdf(Certificate.objects.last().pdf.read()).is_authentic,
        },
    }


def markdown(results):
    lines = [
        f"# Certificate benchmark ({results['date']}, {results['machine']})",
        "",
        "| one certificate | median ms | × floor |",
        "|---|---:|---:|",
    ]
    for name, ms in results["single_ms"].items():
        ratio = results["ratio_to_floor"][name]
        lines.append(
            f"| {name} | {ms:.1f} | {ratio:.1f} |" if ms else f"| {name} | not measured | |"
        )
    session = results["session"]
    lines += [
        "",
        "| a session in the background | |",
        "|---|---:|",
        f"| certificates issued | {session['certificates']} (failed: {session['failed']}) |",
        f"| total | {session['seconds']:.1f} s ({session['per_certificate_ms']:.1f} ms each) |",
        f"| peak memory of the process | {session['peak_memory_mb']:.0f} MB |",
        f"| serials unique | {session['serials_unique']} |",
        f"| every certificate signed (the last one verified) | {session['all_signed']} |",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
