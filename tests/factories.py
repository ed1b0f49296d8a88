import io
import math

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from academy.models import Force, Profile


class ForceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Force
        django_get_or_create = ("name", "city")

    name = factory.Sequence(lambda n: f"Member Force {n}")
    city = factory.Sequence(lambda n: f"City {n}")
    country = "BE"


# What a user factory gives the academy profile rather than the account.
PROFILE_FIELDS = ("full_name", "force", "participant_type", "preferred_language", "reminders")


class UserFactory(factory.django.DjangoModelFactory):
    """An account of the site's user model with its academy profile: ``full_name``, ``force``,
    ``participant_type``, ``preferred_language`` and ``reminders`` go to the profile."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@academy.example")
    full_name = factory.Faker("name")
    first_name = factory.LazyAttribute(lambda user: user.full_name.split(" ")[0])
    last_name = factory.LazyAttribute(lambda user: user.full_name.split(" ")[-1])
    force = factory.SubFactory(ForceFactory)
    password = factory.django.Password("correct horse battery staple")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        profile = {name: kwargs.pop(name) for name in PROFILE_FIELDS if name in kwargs}
        user = super()._create(model_class, *args, **kwargs)
        Profile.objects.create(user=user, **profile)
        return user

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        profile = {name: kwargs.pop(name) for name in PROFILE_FIELDS if name in kwargs}
        user = super()._build(model_class, *args, **kwargs)
        user.academy_profile = Profile(user=user, **profile)
        return user

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*extracted)


def signature_picture(image_format="PNG", size=(300, 100), colour="#1b2a6b"):
    """The bytes of a signature picture: a scribble in ink on white, as a scan gives."""
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", size, "white")
    width, height = size
    points = [
        (width * (0.05 + 0.9 * i / 40), height * (0.5 + 0.3 * math.sin(i * 0.9) * (i % 3 - 1)))
        for i in range(41)
    ]
    ImageDraw.Draw(picture).line(points, fill=colour, width=max(2, height // 25))
    buffer = io.BytesIO()
    picture.save(buffer, format=image_format)
    return buffer.getvalue()


def signature_upload(name="signature.png", **picture):
    """A signature image as a template form or a test attaches it to a signatory."""
    image_format = "JPEG" if name.lower().endswith((".jpg", ".jpeg")) else "PNG"
    return ContentFile(signature_picture(image_format, **picture), name=name)
