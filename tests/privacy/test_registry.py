"""Every model that holds something about a person says so, in its app's privacy.py."""

from django.apps import apps

from academy.personal_data import keys_to_people, keys_to_records, registry

HOW_TO_DECLARE = (
    "{models}: these models have a key to the user model or to academy.Profile but no app "
    "declares what they hold about a person. Declare each in its app's privacy.py with "
    "academy.personal_data.register(Holding(...)) (how to find the person's rows, what My "
    "data exports, how an erasure erases them), or not_personal(model, reason). See the "
    'README, "Personal data".'
)


def test_every_model_keyed_to_a_person_is_declared():
    undeclared = [m._meta.label for m in keys_to_people() if not registry.declares(m)]
    assert not undeclared, HOW_TO_DECLARE.format(models=", ".join(undeclared))


def test_every_model_keyed_to_a_persons_record_is_declared():
    """SCORM tracking names no one, but it is kept per enrolment: it is the officer's too."""
    found = {m._meta.label for m in keys_to_records()}
    undeclared = [label for label in sorted(found) if not registry.declares(apps.get_model(label))]

    assert "courses.PackageTracking" in found
    assert not undeclared, HOW_TO_DECLARE.format(models=", ".join(undeclared))


def test_every_declaration_names_an_installed_model_and_a_real_lookup():
    for holding in registry.holdings:
        model = apps.get_model(holding.model)
        if holding.person:
            model._default_manager.filter(**{f"{holding.person}__isnull": True}).query  # noqa: B018


def test_the_site_user_model_and_sign_in_records_are_declared():
    declared = {holding.model.lower() for holding in registry.holdings}
    assert {
        "home.user",
        "axes.accesslog",
        "axes.accessfailurelog",
        "axes.accessattempt",
    } <= declared
