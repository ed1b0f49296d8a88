"""Demo certificate templates: each academy signs its certificates in its own words."""

from certificates.models import CertificateTemplate, CertificateText, Signatory

# Director and head of training of each demo academy, and the accent of its certificates.
SIGNATORIES = {
    "BRU": (
        "#1d3f8f",
        [("Marc Vandenberghe", "Directeur de l'académie"), ("Els Peeters", "Hoofd opleiding")],
    ),
    "LIS": (
        "#0f5c4d",
        [
            ("Ana Luísa Carvalho", "Diretora da Academia"),
            ("Rui Gonçalves", "Coordenador de formação"),
        ],
    ),
    "MAD": (
        "#8a1c1c",
        [
            ("Carmen López Ruiz", "Directora de la Academia"),
            ("Javier Martín Sáez", "Jefe de formación"),
        ],
    ),
    "NCE": (
        "#2f3b8c",
        [
            ("Hélène Giraud", "Directrice de l'académie"),
            ("Olivier Rossi", "Responsable de la formation"),
        ],
    ),
}

TEXTS = {
    "completion": {
        "en": (
            "Certificate of completion",
            "has completed the course “{course}”, held by {academy} on {dates}. "
            "Continuing professional development: {hours} hours.",
        ),
        "fr": (
            "Certificat de réussite",
            "a suivi avec succès la formation « {course} » organisée par {academy} le {dates}. "
            "Formation continue : {hours} heures.",
        ),
        "nl": (
            "Getuigschrift",
            "heeft de opleiding ‘{course}’ van {academy} op {dates} met succes gevolgd. "
            "Permanente vorming: {hours} uur.",
        ),
        "es": (
            "Certificado de aprovechamiento",
            "ha completado el curso «{course}», impartido por {academy} el {dates}. "
            "Formación continua: {hours} horas.",
        ),
        "pt": (
            "Certificado de conclusão",
            "concluiu o curso «{course}», ministrado pela {academy} em {dates}. "
            "Formação contínua: {hours} horas.",
        ),
    },
    "attendance": {
        "en": (
            "Certificate of attendance",
            "took part in “{course}”, held by {academy} in {city} on {dates}.",
        ),
        "fr": (
            "Attestation de participation",
            "a participé à « {course} », organisé par {academy} à {city} le {dates}.",
        ),
        "nl": (
            "Bewijs van deelname",
            "heeft deelgenomen aan ‘{course}’, georganiseerd door {academy} in {city} op {dates}.",
        ),
        "es": (
            "Certificado de asistencia",
            "ha participado en «{course}», organizado por {academy} en {city} el {dates}.",
        ),
        "pt": (
            "Certificado de participação",
            "participou em «{course}», organizado pela {academy} em {city} em {dates}.",
        ),
    },
}


def seed_certificate_templates(onboardings):
    """A completion and an attendance template per academy, in five languages. Idempotent."""
    for code, onboarding in onboardings.items():
        accent, signatories = SIGNATORIES[code]
        for kind, texts in TEXTS.items():
            template, created = CertificateTemplate.objects.get_or_create(
                academy=onboarding.academy,
                kind=kind,
                defaults={
                    "name": f"{onboarding.academy.city} – {kind}",
                    "accent_colour": accent,
                },
            )
            if not created:
                continue
            template.texts = [
                CertificateText(language=language, title=title, body=body)
                for language, (title, body) in texts.items()
            ]
            template.signatories = [
                Signatory(name=name, function=function) for name, function in signatories
            ]
            template.save()
