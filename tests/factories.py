import factory
from django.contrib.auth import get_user_model

from academy.models import Force


class ForceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Force
        django_get_or_create = ("name", "city")

    name = factory.Sequence(lambda n: f"Member Force {n}")
    city = factory.Sequence(lambda n: f"City {n}")
    country = "BE"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@academy.example")
    full_name = factory.Faker("name")
    first_name = factory.LazyAttribute(lambda user: user.full_name.split(" ")[0])
    last_name = factory.LazyAttribute(lambda user: user.full_name.split(" ")[-1])
    force = factory.SubFactory(ForceFactory)
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*extracted)
