"""The session form of the admin speaks the language of the coordinator in front of it."""

from django.urls import reverse
from wagtail.users.models import UserProfile


def test_the_page_choosers_are_worded_in_each_coordinators_language(
    client, lisbon, lisbon_coordinator
):
    client.force_login(lisbon_coordinator)
    english = client.get(reverse("sessions:add")).content.decode()
    profile = UserProfile.get_for_user(lisbon_coordinator)
    profile.preferred_language = "fr"
    profile.save()

    french = client.get(reverse("sessions:add")).content.decode()

    assert "Choose a page (Academy)" in english
    assert "Choose a page (Academy)" not in french
    assert "une page (Académie)" in french
