"""The admin's session form offers a coordinator their own academies and courses only."""

import re

from django.urls import reverse

from tests.courses.builders import build_course


def options(page, field):
    select = re.search(rf'<select name="{field}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.findall(r'<option value="(\d*)"([^>]*)>([^<]*)</option>', select)


def test_a_coordinator_picks_their_academy_and_its_courses_from_lists(
    client, lisbon, madrid, lisbon_coordinator
):
    build_course(lisbon.academy, title="Harbour safety")
    build_course(madrid.academy, title="Madrid night patrols")
    client.force_login(lisbon_coordinator)

    page = client.get(reverse("sessions:add")).content.decode()

    academies = options(page, "academy")
    assert [(value, text) for value, _attributes, text in academies if value] == [
        (str(lisbon.academy.pk), "Lisbon Municipal Police")
    ]
    assert any("selected" in attributes for value, attributes, _text in academies if value)
    courses = [text for value, _attributes, text in options(page, "course") if value]
    assert courses == ["Harbour safety"]
    assert "Choose a page" not in page
