"""Issuing, revoking and reissuing certificates, and drawing them as PDF."""

import base64
import hashlib
import io
import logging
import re
import secrets
import time
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpResponse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task
from PIL import Image as PILImage
from PIL import ImageChops

from academy import policy
from academy.models import AcademyPage, language_of, name_on_certificates
from courses import xapi
from courses.models import Enrolment, Session
from courses.notifications import remind

from . import issuers
from .models import (
    PLACEHOLDER_PATTERN,
    Certificate,
    CertificateBatch,
    CertificateTemplate,
    SerialCounter,
    SerialNumber,
)
from .pdf_signing import sign_pdf, verify_pdf
from .rendering import RenderError, direction, qr_code, render_pdf, unprintable_characters
from .storage import private_storage

logger = logging.getLogger(__name__)

CODE_PATTERN = re.compile(r"^[A-Z2-7]{32}$")


class CertificateRefused(Exception):
    """A certificate operation that is not allowed; the message says why."""


def new_code():
    """A verification code: 160 random bits in base 32 (letters and digits 2-7, no padding)."""
    return base64.b32encode(secrets.token_bytes(20)).decode()


def normalise_code(text):
    """The code as typed (any case, with spaces or dashes) in its stored form, or ``None``."""
    code = re.sub(r"[\s-]", "", text or "").upper()
    return code if CODE_PATTERN.match(code) else None


def verification_url(code=""):
    """The public verification page of a code (of any code, without one).

    Without a language prefix: the page opens in the reader's own language.
    """
    page = f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}/certificates/verify/"
    return f"{page}{code}/" if code else page


def certificate_kind(session):
    """Course sessions certify completion; Exchange Days and peer reviews, attendance."""
    if session.kind == Session.Kind.COURSE:
        return CertificateTemplate.Kind.COMPLETION
    return CertificateTemplate.Kind.ATTENDANCE


def default_texts(kind):
    """Title and text for an academy without a template of this kind (in the active language)."""
    if kind == CertificateTemplate.Kind.ATTENDANCE:
        return (
            _("Certificate of attendance"),
            _("took part in “{course}”, held by {academy} in {city} on {dates}."),
        )
    return (
        _("Certificate of completion"),
        _(
            "has completed the course “{course}”, held by {academy} on {dates}. "
            "Continuing professional development: {hours} hours."
        ),
    )


def template_for(session):
    """The academy's template for this kind of session (any of its templates otherwise)."""
    kind = certificate_kind(session)
    templates = sorted(
        CertificateTemplate.objects.filter(academy=session.academy)
        .select_related("logo")
        .prefetch_related("texts", "signatories"),
        key=lambda template: (template.kind != kind, template.pk),
    )
    return templates[0] if templates else None


def _text_in(template, language, session):
    """(title, body) in ``language``: the template's own text in that language, otherwise
    the network's standard text, so that officers always read their certificate."""
    for text in template.texts.all() if template else []:
        if text.language == language:
            return text.title, text.body
    with translation.override(language):
        return default_texts(certificate_kind(session))


def fill(text, values):
    """Put the values in a template text's placeholders (the result is plain text)."""
    return PLACEHOLDER_PATTERN.sub(lambda match: values.get(match.group(1), match.group(0)), text)


def _dates(session):
    if session.starts_on == session.ends_on:
        return formats.date_format(session.starts_on, "DATE_FORMAT")
    return (
        f"{formats.date_format(session.starts_on, 'DATE_FORMAT')} – "
        f"{formats.date_format(session.ends_on, 'DATE_FORMAT')}"
    )


def build_snapshot(*, officer_name, session, course, template, language, serial, issued_on):
    """Everything a certificate prints, as it printed it (kept with the certificate)."""
    academy = session.academy
    title, body = _text_in(template, language, session)
    with translation.override(language):
        hours = f"{course.cpd_hours:g}" if course else ""
        values = {
            "name": officer_name,
            "course": course.title if course else session.title,
            "dates": _dates(session),
            "hours": hours,
            "city": academy.city,
            "academy": academy.title,
            "date": formats.date_format(issued_on, "DATE_FORMAT"),
            "serial": serial,
        }
        return {
            **values,
            "language": language,
            "session": session.title,
            "kind": certificate_kind(session),
            "starts_on": session.starts_on.isoformat(),
            "ends_on": session.ends_on.isoformat(),
            "issued_on": issued_on.isoformat(),
            "title": fill(title, values),
            "body": fill(body, values),
            "signatories": [
                {"name": s.name, "function": s.function, "signature": s.signature.name}
                for s in (template.signatories.all() if template else [])
            ],
            "accent": template.accent_colour if template else "#0b2545",
            "orientation": template.orientation if template else "landscape",
            "logo_id": (template.logo_id if template and template.logo_id else academy.logo_id),
        }


@lru_cache(maxsize=64)
def _image_data_uri(image_id, file_name):
    """An image of the media library as a small PNG data URI: the renderer reads no file."""
    from wagtail.images import get_image_model

    image = get_image_model().objects.get(pk=image_id)
    rendition = image.get_rendition("max-600x240|format-png")
    with rendition.file.open("rb") as handle:
        return "data:image/png;base64," + base64.b64encode(handle.read()).decode()


def _image(image_id):
    if not image_id:
        return None
    from wagtail.images import get_image_model

    image = get_image_model().objects.filter(pk=image_id).only("file", "title").first()
    if image is None:
        return None
    try:
        return _image_data_uri(image.pk, image.file.name)
    except OSError as error:  # the image's file is gone from the media storage
        raise RenderError(
            _("The image “%(title)s” of the certificate cannot be read: upload it again.")
            % {"title": image.title}
        ) from error


# A signature prints 42 px (CSS, 1/96 in) high: 132 pixels give it 300 dots an inch.
SIGNATURE_PIXELS = (600, 132)


@lru_cache(maxsize=64)
def _signature_data_uri(name):
    """A signature from the private storage as a PNG data URI no bigger than it prints,
    laid on the white of the page: grey levels when it has no colour, else RGB.

    Without transparency the PDF needs no mask, and grey levels take a third of the bytes:
    a signature costs a certificate a fraction of the time. Cached by file name: an upload
    always gets a new random name, so a name's picture never changes."""
    with private_storage().open(name, "rb") as handle, PILImage.open(handle) as picture:
        picture.thumbnail(SIGNATURE_PIXELS)
        picture = picture.convert("RGBA")
        page = PILImage.new("RGBA", picture.size, "white")
        flat = PILImage.alpha_composite(page, picture).convert("RGB")
        red, green, blue = flat.split()
        grey = not ImageChops.difference(red, green).getbbox()
        if grey and not ImageChops.difference(green, blue).getbbox():
            flat = red
        buffer = io.BytesIO()
        flat.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _signature(signatory):
    if not signatory.get("signature"):
        return None
    try:
        return _signature_data_uri(signatory["signature"])
    except OSError as error:  # gone from the private storage, or not a picture any more
        raise RenderError(
            _("The signature of “%(name)s” cannot be read: upload it again in the template.")
            % {"name": signatory["name"]}
        ) from error


def draw(snapshot, code):
    """The certificate's PDF from its snapshot."""
    address = verification_url(code)
    context = {
        "certificate": snapshot,
        "code": "-".join(code[i : i + 4] for i in range(0, len(code), 4)),
        "verification_url": address,
        "qr_code": qr_code(address),
        "verify_page": verification_url(),
        "title_direction": direction(snapshot["title"]),
        "name_direction": direction(snapshot["name"]),
        "body_direction": direction(snapshot["body"]),
        "logo": _image(snapshot.get("logo_id")),
        "signatories": [
            {**signatory, "image": _signature(signatory)} for signatory in snapshot["signatories"]
        ],
    }
    with translation.override(snapshot["language"]):
        return render_pdf("certificates/certificate.html", context)


def _next_number(academy, year):
    """The academy's next serial number of the year, under a lock: unique and gap-free."""
    SerialCounter.objects.bulk_create(
        [SerialCounter(academy=academy, year=year)], ignore_conflicts=True
    )
    counter = SerialCounter.objects.select_for_update().get(academy=academy, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _refuse_unprintable(officer):
    officer_name = name_on_certificates(officer)
    if unprintable_characters(officer_name):
        # A name given before names were checked, or an account's own name: never boxes.
        raise CertificateRefused(
            _(
                "The name “%(name)s” has characters a certificate cannot print: the officer "
                "corrects it in their profile first."
            )
            % {"name": officer_name}
        )


def _number_for(enrolment):
    """The serial number the enrolment's certificate is printed under: the one a try that
    died on the way left ``printing``, or the academy's next, with its verification code
    and its bit in the status list. Call under the enrolment's lock. A name that cannot
    print is refused first: no number is spent on it."""
    _refuse_unprintable(enrolment.officer)
    printing = SerialNumber.objects.filter(
        enrolment=enrolment, state=SerialNumber.State.PRINTING
    ).first()
    if printing:
        return printing
    academy = enrolment.session.academy
    issued_on = timezone.localdate()
    number = _next_number(academy, issued_on.year)
    return SerialNumber.objects.create(
        academy=academy,
        year=issued_on.year,
        number=number,
        serial=f"{academy.code}-{issued_on.year}-{number:06d}",
        code=new_code(),
        status_index=issuers.allocate_status_index(academy),
        issued_on=issued_on,
        enrolment=enrolment,
        state=SerialNumber.State.PRINTING,
    )


class Press:
    """What the certificates of one session are printed with: its template, its course in
    each language, and the academy's credential key and issuer profile.

    Looked up once for a batch part (up to 25 certificates of a session), where looking
    them up for each certificate took a sixth of its time. A press lives for one part or
    one certificate: a template or key changed meanwhile is used from the next one."""

    def __init__(self, session):
        self.session = session
        self.template = template_for(session)
        self._courses = {}
        self._credential_signing = None

    def course(self, language):
        if not self.session.course_id:
            return None
        if language not in self._courses:
            with translation.override(language):
                self._courses[language] = self.session.course.localized
        return self._courses[language]

    def credential_signing(self):
        if self._credential_signing is None:
            self._credential_signing = issuers.credential_signing(self.session.academy)
        return self._credential_signing


def _print(enrolment, number, *, by, press):
    """The certificate under ``number``, drawn, signed and with its credential, not saved
    yet, and its PDF. Slow (the PDF, two signatures): run outside any lock."""
    session = press.session
    academy = session.academy
    template = press.template
    language = language_of(enrolment.officer)
    course = press.course(language)
    snapshot = build_snapshot(
        officer_name=name_on_certificates(enrolment.officer),  # checked by _number_for
        session=session,
        course=course,
        template=template,
        language=language,
        serial=number.serial,
        issued_on=number.issued_on,
    )
    # Signed last: the stored SHA-256 is that of the file the officer downloads.
    pdf = sign_pdf(
        draw(snapshot, number.code),
        academy_code=academy.code,
        serial=number.serial,
        code=number.code,
        status=(issuers.status_list_url(academy.code), number.status_index),
        reason=f"{snapshot['title']} {number.serial}",
        location=academy.city,
    )
    certificate = Certificate(
        enrolment=enrolment,
        academy=academy,
        template=template,
        year=number.year,
        number=number.number,
        serial=number.serial,
        code=number.code,
        language=snapshot["language"],
        snapshot=snapshot,
        sha256=hashlib.sha256(pdf).hexdigest(),
        issued_by=by,
        valid_until=issuers.valid_until(template, number.issued_on),
        status_index=number.status_index,
    )
    # The Open Badges credential, signed with the academy's key (both proof forms).
    issuers.sign_credential(certificate, press.credential_signing())
    return certificate, pdf


@transaction.atomic
def _keep(number, certificate, pdf):
    """Save a printed certificate and close its number, unless another try for the same
    enrolment (two tabs, a batch part run twice) kept it first: then that one is returned."""
    number = SerialNumber.objects.select_for_update().get(pk=number.pk)
    if number.state == SerialNumber.State.ISSUED:
        return Certificate.objects.get(serial=number.serial)
    if number.state == SerialNumber.State.VOID:
        raise CertificateRefused(
            _("Another try at this certificate failed meanwhile: issue it again.")
        )
    certificate.pdf.save("certificate.pdf", ContentFile(pdf), save=False)
    try:
        certificate.save()
    except Exception:
        certificate.pdf.delete(save=False)
        raise
    number.state, number.closed_at = SerialNumber.State.ISSUED, timezone.now()
    number.save(update_fields=["state", "closed_at"])
    enrolment, serial = certificate.enrolment, certificate.serial
    remind(enrolment, "certificate_issued", key=f"certificate:{serial}", serial=serial)
    session = enrolment.session
    xapi.record(
        enrolment.officer,
        "earned",
        xapi.activity("certificate", serial, serial),
        enrolment=enrolment,
        parent=xapi.page_activity("course", session.course) if session.course_id else None,
    )
    return certificate


@transaction.atomic
def _void(number, reason):
    """A number whose certificate could not be printed: kept in the register, void, with
    the reason, never given again."""
    SerialNumber.objects.filter(pk=number.pk, state=SerialNumber.State.PRINTING).update(
        state=SerialNumber.State.VOID, void_reason=reason, closed_at=timezone.now()
    )


def _issue(enrolment, number, *, by, press):
    try:
        certificate, pdf = _print(enrolment, number, by=by, press=press)
    except (CertificateRefused, RenderError) as error:
        _void(number, str(error))
        raise
    return _keep(number, certificate, pdf)


def _locked_enrolment(enrolment_id, session=None):
    """The enrolment, row locked, with its officer; with its session and academy too, or
    given ``session`` (already loaded) where the caller knows the enrolment's session."""
    enrolments = Enrolment.objects.select_for_update(of=("self",))
    if session is None:
        enrolments = enrolments.select_related(
            "officer__academy_profile", "session__academy", "session__course"
        )
        return enrolments.get(pk=enrolment_id)
    enrolment = enrolments.select_related("officer__academy_profile").get(
        pk=enrolment_id, session=session
    )
    enrolment.session = session
    return enrolment


@transaction.atomic
def _certificate_or_number(enrolment_id, session=None):
    """The enrolment's valid certificate, or the number to print its certificate under. A
    short transaction: the enrolment's and the academy counter's locks are held while a
    number is given, not while the certificate is printed."""
    enrolment = _locked_enrolment(enrolment_id, session)
    existing = enrolment.certificates.valid().first()
    if existing:
        return enrolment, existing
    if enrolment.state != Enrolment.State.COMPLETED:
        raise CertificateRefused(_("Only a completed enrolment earns a certificate."))
    return enrolment, _number_for(enrolment)


def issue_certificate(enrolment, *, by=None, press=None):
    """Issue the certificate of a completed enrolment, or return the one it already has.

    The number is given in a short transaction under the enrolment's lock, the certificate
    printed and signed outside it, then kept in a second one: two requests or two workers
    never issue two certificates for an enrolment (the second gets the first's), and an
    academy's certificates print side by side. A print that fails leaves its number void in
    the register, with the reason. Raises ``CertificateRefused`` or ``RenderError`` with a
    message for the coordinator. ``press``: the session's, where many are issued at once.
    """
    enrolment, found = _certificate_or_number(enrolment.pk, press.session if press else None)
    if isinstance(found, Certificate):
        return found
    return _issue(enrolment, found, by=by, press=press or Press(enrolment.session))


def may_manage(user, certificate):
    """Coordinators of the certificate's academy, and network admins (the city policy)."""
    return policy.may_act_on(user, "manage", certificate)


@transaction.atomic
def revoke(certificate, *, by, reason):
    """Revoke a valid certificate with a reason; its verification page says so from now on."""
    if not may_manage(by, certificate):
        raise PermissionDenied
    if not (reason or "").strip():
        raise CertificateRefused(_("Say why the certificate is revoked."))
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if not certificate.is_valid:
        raise CertificateRefused(_("Only a valid certificate can be revoked."))
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = by
    certificate.revocation_reason = reason.strip()
    certificate.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    # Its bit in the published status list, in this same transaction: revoked everywhere or
    # nowhere.
    issuers.set_status_bit(certificate)
    xapi.record(
        certificate.enrolment.officer,
        "revoked",
        xapi.activity("certificate", certificate.serial, certificate.serial),
        enrolment=certificate.enrolment,
    )
    return certificate


@transaction.atomic
def reissue(certificate, *, by):
    """Replace a valid certificate by a new one (new serial, current name and template).

    The old one stays verifiable and shows as superseded, pointing to the new one.
    """
    if not may_manage(by, certificate):
        raise PermissionDenied
    enrolment = _locked_enrolment(certificate.enrolment_id)
    old = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if not old.is_valid:
        raise CertificateRefused(_("Only a valid certificate can be reissued."))
    old.superseded_at = timezone.now()
    old.save(update_fields=["superseded_at"])
    issuers.set_status_bit(old)
    # All in this transaction: the old one is superseded only if the new one is kept.
    new = _issue(enrolment, _number_for(enrolment), by=by, press=Press(enrolment.session))
    old.superseded_by = new
    old.save(update_fields=["superseded_by"])
    return new


def preview_pdf(template, request):
    """The admin's live preview of a template, with sample data, as the PDF itself."""
    from datetime import timedelta
    from types import SimpleNamespace

    today = timezone.localdate()
    academy = template.academy if template.academy_id else AcademyPage.objects.first()
    # The coordinator's language, or the first one the template is written in.
    written = [text.language for text in template.texts.all()]
    language = translation.get_language()
    if written and language not in written:
        language = written[0]
    session = SimpleNamespace(
        academy=academy,
        kind=Session.Kind.COURSE
        if template.kind == CertificateTemplate.Kind.COMPLETION
        else Session.Kind.EXCHANGE_DAY,
        title=_("Community policing in practice"),
        starts_on=today - timedelta(days=1),
        ends_on=today,
    )
    course = SimpleNamespace(title=_("Community policing in practice"), cpd_hours=12)
    try:
        snapshot = build_snapshot(
            officer_name="Łukasz Żółć",
            session=session,
            course=course,
            template=template,
            language=language,
            serial=f"{academy.code}-{today.year}-000042",
            issued_on=today,
        )
        pdf = draw(snapshot, "SAMPLE" * 5 + "AA")
    except RenderError as error:
        return HttpResponse(str(error), content_type="text/plain; charset=utf-8", status=200)
    return HttpResponse(pdf, content_type="application/pdf")


# Whole sessions, in the background


def awaiting_certificate(enrolments):
    """The completed ones among ``enrolments`` that have no certificate yet. One whose
    certificate was revoked is not waiting: only a coordinator, one by one, issues again."""
    return (
        enrolments.filter(state=Enrolment.State.COMPLETED)
        .exclude(certificates__in=Certificate.objects.valid())
        .exclude(certificates__revoked_at__isnull=False)
    )


def start_session_batch(session, *, by):
    """Issue the certificates of a session's completed enrolments that await one, in the
    background."""
    batch = CertificateBatch.objects.create(session=session, requested_by=by)
    transaction.on_commit(lambda: issue_session_certificates.enqueue(batch.pk))
    return batch


def batch_part_size():
    """Certificates per task (``CERTIFICATE_BATCH_PART_SIZE``, 25): the task workers share a
    session's batch part by part, so two workers use two cores."""
    return max(1, int(getattr(settings, "CERTIFICATE_BATCH_PART_SIZE", 25)))


@task()
def issue_session_certificates(batch_id):
    """Plan a batch: the enrolments awaiting a certificate, queued in parts for the workers."""
    batch = CertificateBatch.objects.select_related("session").get(pk=batch_id)
    enrolments = list(
        awaiting_certificate(batch.session.enrolments.all())
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    size = batch_part_size()
    parts = [enrolments[start : start + size] for start in range(0, len(enrolments), size)]
    CertificateBatch.objects.filter(pk=batch.pk).update(
        total=len(enrolments),
        parts=len(parts),
        started_at=timezone.now(),
        finished_at=None if parts else timezone.now(),
    )
    for number, part in enumerate(parts):
        issue_batch_part.enqueue(batch.pk, number, part)


# How often a part's progress is written while it runs (and always when it ends): each write
# locks the batch's row, which every part of the batch shares.
PROGRESS_SECONDS = 1


@task()
def issue_batch_part(batch_id, number, enrolment_ids):
    """Issue one part of a batch, each certificate in its own transaction, progress kept as
    it goes. Idempotent: run twice (a worker lost, the task retried), a part issues no
    certificate twice (``issue_certificate`` returns the one there is) and counts once."""
    batch = CertificateBatch.objects.select_related(
        "requested_by", "session__academy", "session__course"
    ).get(pk=batch_id)
    press = Press(batch.session)
    issued, errors, recorded = 0, [], time.monotonic()
    try:
        for enrolment_id in enrolment_ids:
            try:
                issue_certificate(Enrolment(pk=enrolment_id), by=batch.requested_by, press=press)
            except (CertificateRefused, RenderError) as error:
                errors.append({"enrolment": enrolment_id, "error": str(error)})
            except Exception:
                # Not the officer's fault nor the coordinator's: logged for the technical
                # team; the batch goes on with the others.
                logger.exception("Certificate of enrolment %s could not be issued", enrolment_id)
                errors.append({"enrolment": enrolment_id, "error": _("An unexpected error.")})
            else:
                issued += 1
            if time.monotonic() - recorded >= PROGRESS_SECONDS:
                _record_part(batch_id, number, issued, errors, done=False)
                recorded = time.monotonic()
    finally:
        # Whatever happened, the part ends: once every part has, the batch page stops
        # waiting and allows a new one.
        _record_part(batch_id, number, issued, errors, done=True)


@transaction.atomic
def _record_part(batch_id, number, issued, errors, *, done):
    """A part's progress, and the batch's counts summed over its parts (row locked: the
    parts of a batch finish on several workers at once)."""
    batch = CertificateBatch.objects.select_for_update().get(pk=batch_id)
    batch.progress_of_parts[str(number)] = {"issued": issued, "errors": errors, "done": done}
    parts = [batch.progress_of_parts[key] for key in sorted(batch.progress_of_parts, key=int)]
    batch.issued = sum(part["issued"] for part in parts)
    batch.errors = [error for part in parts for error in part["errors"]]
    batch.failed = len(batch.errors)
    if len(parts) == batch.parts and all(part["done"] for part in parts):
        batch.finished_at = batch.finished_at or timezone.now()
    batch.save(update_fields=["progress_of_parts", "issued", "errors", "failed", "finished_at"])


@task()
def issue_on_completion(enrolment_id):
    """Issue the certificate of an enrolment that has just completed (where the session says so)."""
    issue_certificate(Enrolment(pk=enrolment_id))


# A certificate PDF dropped on the verification page


def check_pdf(data):
    """What a PDF someone holds is: ``(verify_pdf's answer, the certificate or None)``.

    The certificate is found only for an authentic PDF, by the serial and code it was signed
    with, and only when the file is the very one issued (its SHA-256): its status (valid,
    revoked, superseded) is then what the page shows beside the signature's verdict.
    """
    result = verify_pdf(data)
    if not result.is_authentic:
        return result, None
    certificate = (
        Certificate.objects.filter(
            code=result.code, serial=result.serial, sha256=hashlib.sha256(data).hexdigest()
        )
        .select_related("academy", "superseded_by")
        .first()
    )
    return result, certificate
