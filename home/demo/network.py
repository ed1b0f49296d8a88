"""Demo network: the four founding academies and a demo user per role and city."""

import io

from django.contrib.auth import get_user_model
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.images import get_image_model
from wagtail.models import Site

from academy.models import Force, InformationPage, Profile
from academy.services import onboard_city, publish_under

DEMO_PASSWORD = "demo1234"  # demo only: printed by the command and listed in the README

NETWORK_INTRO = (
    "<p>EU-POLNET Academy is where the local police forces of Europe learn from each other. "
    "Host cities open their academies to officers and staff of every member force: courses on "
    "community policing, co-production of security with residents, protection of vulnerable "
    "groups, citizens' reserves and transparent communication, Exchange Days and peer "
    "reviews.</p>"
)

ACADEMIES = [
    {
        "city": "Brussels",
        "country": "BE",
        "code": "BRU",
        "academy_name": "Brussels North Local Police",
        "language": "fr",
        "colour": "#1d4e89",
        "search_description": "Community policing in a multilingual capital.",
        "intro": (
            "<p>The academy of the Brussels North local police zone trains neighbourhood "
            "officers who work in one of the most diverse districts of Europe. Our courses "
            "focus on <b>community policing</b>, de-escalation and working with interpreters "
            "and cultural mediators.</p><p>Officers from every member force are welcome; most "
            "courses are given in French and Dutch, with English sessions every quarter.</p>"
        ),
        "email": "academy@brussels-north.police.example",
        "phone": "+32 2 000 00 00",
        "address": "Rue Royale 300\n1210 Brussels\nBelgium",
        "info_title": "Venue and travel",
        "info_body": (
            "<p>Residential sessions take place at the zone's training centre, ten minutes on "
            "foot from Brussels-North station. Visiting officers are housed in partner hotels "
            "nearby; the academy books rooms for you once your enrolment is approved.</p>"
        ),
        "people": {
            "coordinator": "Els Van den Broeck",
            "trainer": "Karim El Amrani",
            "officer": "Sophie Dubois",
        },
    },
    {
        "city": "Lisbon",
        "country": "PT",
        "code": "LIS",
        "academy_name": "Lisbon Municipal Police",
        "language": "pt",
        "colour": "#0b6e4f",
        "search_description": "Co-production of security with residents and partners.",
        "intro": (
            "<p>The Lisbon Municipal Police academy shares the city's experience of "
            "<b>co-producing security</b> with residents, shopkeepers and social services, "
            "from local safety contracts to neighbourhood walks with elderly residents.</p>"
            "<p>Our programme on the protection of vulnerable groups is run with the city's "
            "social action department.</p>"
        ),
        "email": "academia@lisbon.police.example",
        "phone": "+351 21 000 0000",
        "address": "Rua Cardeal Saraiva 10\n1070-044 Lisboa\nPortugal",
        "info_title": "Practical information",
        "info_body": (
            "<p>The training centre is next to the Marquês de Pombal metro station. Lunch is "
            "served at the centre's canteen for residential sessions.</p>"
        ),
        "people": {
            "coordinator": "Ana Sofia Carvalho",
            "trainer": "Miguel Ângelo Rodrigues",
            "officer": "João Ferreira",
        },
    },
    {
        "city": "Madrid",
        "country": "ES",
        "code": "MAD",
        "academy_name": "Madrid City Police",
        "language": "es",
        "colour": "#9b1c31",
        "search_description": "Human-centred policing and partnerships for prevention.",
        "intro": (
            "<p>The Madrid City Police academy trains agents in <b>human-centred policing</b>: "
            "mediation of neighbourhood conflicts, attention to victims of gender-based "
            "violence and partnerships with crime-prevention services.</p><p>Its Exchange "
            "Days bring together officers of the network around one local practice.</p>"
        ),
        "email": "academia@madrid.police.example",
        "phone": "+34 91 000 00 00",
        "address": "Calle de Albarracín 31\n28037 Madrid\nSpain",
        "info_title": "Getting to the academy",
        "info_body": (
            "<p>The academy is in the San Blas district, on metro line 7. Bring your "
            "professional ID card: it is checked at the entrance.</p>"
        ),
        "people": {
            "coordinator": "Carmen Ruiz Ortega",
            "trainer": "Lucía Fernández",
            "officer": "Javier Morales",
        },
    },
    {
        "city": "Nice",
        "country": "FR",
        "code": "NCE",
        "academy_name": "Nice Municipal Police",
        "language": "fr",
        "colour": "#c05a00",
        "search_description": "Vigilant citizens, citizens' reserves and transparency.",
        "intro": (
            "<p>The Nice Municipal Police academy shares its work with <b>vigilant "
            "citizens</b> and the citizens' reserve, and how the force communicates openly "
            "with the population, from public meetings to open data.</p>"
        ),
        "email": "academie@nice.police.example",
        "phone": "+33 4 00 00 00 00",
        "address": "Boulevard de la Corne d'Or 1\n06300 Nice\nFrance",
        "info_title": "Accommodation",
        "info_body": (
            "<p>Residential sessions include accommodation in the city centre. The tramway "
            "line 1 stops in front of the academy.</p>"
        ),
        "people": {
            "coordinator": "Camille Laurent",
            "trainer": "Thomas Giraud",
            "officer": "Léa Martin",
        },
    },
]

# Member forces that send officers but do not host an academy (yet).
MEMBER_FORCES = [
    ("Ghent Local Police", "Ghent", "BE"),
    ("Porto Municipal Police", "Porto", "PT"),
    ("Warsaw Municipal Police", "Warsaw", "PL"),
    ("Athens Municipal Police", "Athens", "GR"),
    ("Rotterdam-Rijnmond Police", "Rotterdam", "NL"),
]


def seed_network():
    """Create (or keep) the demo network. Idempotent; returns the academies by city code."""
    _network_home()
    admin = _user("admin@academy.example", "Network Administrator", force=None, language="en")
    if not admin.is_superuser:
        admin.is_superuser = admin.is_staff = True
        admin.save(update_fields=["is_superuser", "is_staff"])
    for name, city, country in MEMBER_FORCES:
        Force.objects.get_or_create(name=name, city=city, defaults={"country": country})

    academies = {}
    for data in ACADEMIES:
        onboarding = onboard_city(
            city=data["city"],
            country=data["country"],
            code=data["code"],
            academy_name=data["academy_name"],
            default_language=data["language"],
        )
        academy = onboarding.academy
        _academy_content(academy, onboarding.collection, data)
        slug = data["city"].lower()
        groups = {
            "coordinator": onboarding.coordinator_group,
            "trainer": onboarding.trainer_group,
        }
        for role, full_name in data["people"].items():
            user = _user(
                f"{role}.{slug}@academy.example",
                full_name,
                force=academy.force,
                language=data["language"],
            )
            if role in groups:
                user.groups.add(groups[role])
        academies[data["code"]] = onboarding
    return academies


def demo_logins():
    """(email, role) of every demo user, for the command's output."""
    logins = [("admin@academy.example", "network admin (everything)")]
    for data in ACADEMIES:
        slug = data["city"].lower()
        for role in ("coordinator", "trainer", "officer"):
            logins.append((f"{role}.{slug}@academy.example", f"{role}, {data['city']}"))
    return logins


def _network_home():
    home = Site.objects.get(is_default_site=True).root_page.specific
    if not home.intro:
        home.intro = NETWORK_INTRO
        home.save_revision().publish()


def _user(email, full_name, *, force, language):
    user, created = get_user_model().objects.get_or_create(
        email=email,
        defaults={
            "first_name": full_name.split(" ")[0],
            "last_name": full_name.split(" ", 1)[-1],
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        profile = Profile.objects.for_user(user)
        profile.full_name, profile.force, profile.preferred_language = full_name, force, language
        profile.save()
    return user


def _academy_content(academy, collection, data):
    if academy.intro:
        return
    academy.intro = data["intro"]
    academy.search_description = data["search_description"]
    academy.contact_email = data["email"]
    academy.contact_phone = data["phone"]
    academy.address = data["address"]
    academy.logo = _logo(data, collection)
    academy.save_revision().publish()
    if not InformationPage.objects.child_of(academy).exists():
        info = InformationPage(title=data["info_title"], body=data["info_body"])
        publish_under(academy, info)


def _logo(data, collection):
    title = f"{data['academy_name']} logo"
    image_model = get_image_model()
    existing = image_model.objects.filter(title=title).first()
    if existing:
        return existing
    canvas = PILImage.new("RGB", (256, 256), data["colour"])
    draw = ImageDraw.Draw(canvas)
    draw.ellipse((16, 16, 240, 240), outline="#f2c230", width=10)
    font = ImageFont.load_default(size=72)
    draw.text((128, 128), data["code"], fill="white", font=font, anchor="mm")
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG")
    return image_model.objects.create(
        title=title,
        file=ImageFile(buffer, name=f"logo-{data['code'].lower()}.png"),
        collection=collection,
    )
