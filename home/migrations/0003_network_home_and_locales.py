import uuid

from django.conf import settings
from django.db import migrations


def create_network_home(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Locale = apps.get_model("wagtailcore.Locale")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("home.HomePage")

    default_locale, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
        Locale.objects.get_or_create(language_code=code)

    # Replace Wagtail's "Welcome" page (a plain Page) with the network home.
    page_type = ContentType.objects.get(model="page", app_label="wagtailcore")
    Page.objects.filter(content_type=page_type, slug="home", depth=2).delete()
    if HomePage.objects.exists():
        return
    home_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="home")
    root = Page.objects.get(depth=1)
    children = Page.objects.filter(depth=2, path__startswith=root.path)
    last_path = children.order_by("-path").values_list("path", flat=True).first()
    position = int(last_path[-4:]) + 1 if last_path else 1
    home = HomePage.objects.create(
        title="EU-POLNET Academy",
        draft_title="EU-POLNET Academy",
        slug="home",
        content_type=home_type,
        path=f"{root.path}{position:04d}",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=default_locale,
        translation_key=uuid.uuid4(),
    )
    root.numchild = children.count()
    root.save(update_fields=["numchild"])
    Site.objects.filter(is_default_site=True).update(is_default_site=False)
    Site.objects.create(
        hostname="localhost", port=80, root_page=home, is_default_site=True, site_name=""
    )


def remove_network_home(apps, schema_editor):
    apps.get_model("home.HomePage").objects.filter(depth=2, slug="home").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0002_homepage"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunPython(create_network_home, remove_network_home),
    ]
