"""Through the admin over HTTP: a city's staff change only their own city's pages."""

import pytest
from django.urls import get_resolver, reverse
from wagtail.log_actions import log
from wagtail.models import Page
from wagtail.test.utils.form_data import querydict_from_html

from academy.models import InformationPage
from courses.models import Session
from tests.academy.sessions import make_session


@pytest.fixture
def madrid_pages(madrid):
    """A published page and two drafts (one nested) under Madrid's academy."""
    academy = madrid.academy
    published = academy.add_child(instance=InformationPage(title="Getting to the academy"))
    published.save_revision().publish()
    folder = academy.add_child(instance=InformationPage(title="Practical information", live=False))
    draft = folder.add_child(instance=InformationPage(title="Accommodation", live=False))
    return {"academy": academy, "published": published, "folder": folder, "draft": draft}


def edit_form_data(client, admin, page, **changes):
    """The page's real edit form as the admin sees it, with some fields changed."""
    client.force_login(admin)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    for field, value in changes.items():
        data[field] = value
    client.logout()
    return data


def post_edit(client, user, page, data):
    client.force_login(user)
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)


def test_lisbon_trainer_cannot_edit_a_madrid_page(
    client, network_admin, lisbon_trainer, madrid_pages
):
    page = madrid_pages["published"]
    data = edit_form_data(client, network_admin, page, title="Changed by Lisbon")

    client.force_login(lisbon_trainer)
    assert client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code in (302, 403)
    post_edit(client, lisbon_trainer, page, data)

    page.refresh_from_db()
    assert page.draft_title == "Getting to the academy"
    assert page.revisions.count() == 1


def test_madrid_trainer_can_edit_a_madrid_page_without_publishing_it(
    client, network_admin, madrid_trainer, madrid_pages
):
    page = madrid_pages["published"]
    data = edit_form_data(client, network_admin, page, title="How to reach us")

    response = post_edit(client, madrid_trainer, page, data)

    assert response.status_code == 302
    page.refresh_from_db()
    assert page.draft_title == "How to reach us"
    assert page.title == "Getting to the academy"  # the live version waits for moderation


def test_only_madrid_coordinator_can_publish_a_madrid_page(
    client,
    network_admin,
    lisbon_trainer,
    lisbon_coordinator,
    madrid_trainer,
    madrid_coordinator,
    madrid_pages,
):
    page = madrid_pages["folder"]
    data = edit_form_data(client, network_admin, page, **{"action-publish": "action-publish"})

    for user in (lisbon_trainer, lisbon_coordinator, madrid_trainer):
        post_edit(client, user, page, data)
        page.refresh_from_db()
        assert not page.live, f"{user} must not publish a Madrid page"

    post_edit(client, madrid_coordinator, page, data)
    page.refresh_from_db()
    assert page.live


def test_madrid_trainer_submits_to_madrid_coordinators_not_lisbons(
    client, network_admin, madrid_trainer, madrid_coordinator, lisbon_coordinator, madrid_pages
):
    page = madrid_pages["folder"]
    data = edit_form_data(client, network_admin, page, **{"action-submit": "action-submit"})

    post_edit(client, madrid_trainer, page, data)

    page.refresh_from_db()
    task = page.current_workflow_task
    assert task is not None and task.name == "Approval by Madrid coordinators"
    assert task.specific.get_actions(page, lisbon_coordinator) == []
    madrid_actions = [name for name, *_ in task.specific.get_actions(page, madrid_coordinator)]
    assert "approve" in madrid_actions


def move(client, user, page, destination):
    client.force_login(user)
    return client.post(reverse("wagtailadmin_pages:move_confirm", args=[page.pk, destination.pk]))


def test_lisbon_trainer_cannot_move_a_madrid_page(client, lisbon_trainer, madrid_pages):
    draft, academy = madrid_pages["draft"], madrid_pages["academy"]

    move(client, lisbon_trainer, draft, academy)

    assert Page.objects.get(pk=draft.pk).get_parent().pk == madrid_pages["folder"].pk


def test_madrid_trainer_can_move_a_madrid_draft(client, madrid_trainer, madrid_pages):
    draft, academy = madrid_pages["draft"], madrid_pages["academy"]

    move(client, madrid_trainer, draft, academy)

    assert Page.objects.get(pk=draft.pk).get_parent().pk == academy.pk


def test_madrid_trainer_cannot_move_a_page_into_lisbon(
    client, madrid_trainer, madrid_pages, lisbon
):
    move(client, madrid_trainer, madrid_pages["draft"], lisbon.academy)

    assert Page.objects.get(pk=madrid_pages["draft"].pk).get_parent().pk == (
        madrid_pages["folder"].pk
    )


def delete(client, user, page):
    client.force_login(user)
    return client.post(reverse("wagtailadmin_pages:delete", args=[page.pk]))


def test_lisbon_trainer_cannot_delete_a_madrid_page(client, lisbon_trainer, madrid_pages):
    delete(client, lisbon_trainer, madrid_pages["draft"])

    assert Page.objects.filter(pk=madrid_pages["draft"].pk).exists()


def test_madrid_trainer_can_delete_a_madrid_draft(client, madrid_trainer, madrid_pages):
    delete(client, madrid_trainer, madrid_pages["draft"])

    assert not Page.objects.filter(pk=madrid_pages["draft"].pk).exists()


def test_trainer_cannot_delete_a_published_page(client, madrid_trainer, madrid_pages):
    delete(client, madrid_trainer, madrid_pages["published"])

    assert Page.objects.filter(pk=madrid_pages["published"].pk).exists()


def test_explorer_of_a_trainer_shows_only_their_city(client, lisbon_trainer, lisbon, madrid_pages):
    client.force_login(lisbon_trainer)

    response = client.get(reverse("wagtailadmin_explore", args=[lisbon.academy.pk]))
    assert response.status_code == 200
    assert "Lisbon Municipal Police" in response.content.decode()

    response = client.get(
        reverse("wagtailadmin_explore", args=[madrid_pages["academy"].pk]), follow=True
    )
    content = response.content.decode()
    for page in ("published", "folder", "draft"):
        assert madrid_pages[page].title not in content
        assert reverse("wagtailadmin_pages:edit", args=[madrid_pages[page].pk]) not in content


def session_viewset_urls(session):
    """Every URL of the session viewset that names one session, from the URL resolver: a
    view Wagtail adds to the viewset later is tested too."""
    _prefix, viewset = get_resolver().namespace_dict["sessions"]
    urls = {
        view.name: reverse(f"sessions:{view.name}", args=[session.pk])
        for view in viewset.url_patterns
        if "pk" in view.pattern.converters
    }
    assert {"edit", "delete", "inspect", "history", "history_results", "usage", "copy"} <= set(urls)
    return urls


@pytest.fixture
def lisbon_session(lisbon):
    return make_session(lisbon.academy, title="Lisbon peer review")


@pytest.mark.parametrize("other_city", ["madrid_coordinator", "madrid_trainer"])
def test_no_view_of_the_session_viewset_shows_another_citys_session(
    request, client, lisbon_session, other_city
):
    client.force_login(request.getfixturevalue(other_city))

    for name, url in session_viewset_urls(lisbon_session).items():
        response = client.get(url)
        assert response.status_code == 404, name
        assert "Lisbon peer review" not in response.content.decode(), name


def test_no_view_of_the_session_viewset_changes_another_citys_session(
    client, lisbon_session, madrid_coordinator
):
    client.force_login(madrid_coordinator)

    for name, url in session_viewset_urls(lisbon_session).items():
        assert client.post(url, {"title": "Taken over"}).status_code == 404, name

    assert Session.objects.filter(academy__code="LIS").get().title == "Lisbon peer review"
    assert Session.objects.count() == 1


@pytest.mark.parametrize("user", ["lisbon_coordinator", "network_admin"])
def test_the_session_viewset_shows_a_session_to_its_citys_coordinator_and_network_admins(
    request, client, lisbon_session, user
):
    client.force_login(request.getfixturevalue(user))

    for name, url in session_viewset_urls(lisbon_session).items():
        assert client.get(url).status_code == 200, name


@pytest.fixture
def logged_sessions(lisbon, madrid, lisbon_coordinator, madrid_coordinator):
    """A session of each city, each edited by its coordinator (as the admin logs it)."""
    sessions = {
        "lisbon": make_session(lisbon.academy, title="Lisbon peer review"),
        "madrid": make_session(madrid.academy, title="Madrid exchange day"),
    }
    log(sessions["lisbon"], "wagtail.edit", user=lisbon_coordinator)
    log(sessions["madrid"], "wagtail.edit", user=madrid_coordinator)
    return sessions


SITE_HISTORY = "/admin/reports/site-history/"


@pytest.mark.parametrize("url", [SITE_HISTORY, SITE_HISTORY + "results/"])
def test_the_site_history_leaves_out_another_citys_sessions(
    client, logged_sessions, madrid_coordinator, url
):
    client.force_login(madrid_coordinator)

    content = client.get(url).content.decode()

    assert "Madrid exchange day" in content
    assert "Lisbon peer review" not in content


def test_the_site_history_export_leaves_out_another_citys_sessions(
    client, logged_sessions, madrid_coordinator
):
    client.force_login(madrid_coordinator)

    export = client.get(SITE_HISTORY + "?export=csv")

    content = b"".join(export.streaming_content).decode()
    assert "Madrid exchange day" in content
    assert "Lisbon peer review" not in content


def test_the_site_history_filters_do_not_name_another_citys_staff(
    client, logged_sessions, madrid_coordinator, lisbon_coordinator
):
    client.force_login(madrid_coordinator)

    content = client.get(SITE_HISTORY).content.decode()

    assert madrid_coordinator.get_full_name() in content
    assert lisbon_coordinator.get_full_name() not in content


def test_a_trainer_reads_their_own_citys_session_history(client, logged_sessions, lisbon_trainer):
    client.force_login(lisbon_trainer)

    content = client.get(SITE_HISTORY).content.decode()

    assert "Lisbon peer review" in content
    assert "Madrid exchange day" not in content


def test_a_network_admin_reads_every_citys_session_history(client, logged_sessions, network_admin):
    client.force_login(network_admin)

    content = client.get(SITE_HISTORY).content.decode()

    assert "Lisbon peer review" in content and "Madrid exchange day" in content


@pytest.fixture
def madrid_revised(madrid_pages):
    """Madrid's published page, with a newer draft not yet published."""
    page = madrid_pages["published"]
    draft = page.get_latest_revision_as_object()
    draft.title = "Getting to the academy (draft wording)"
    draft.save_revision()
    return page


def chooser_search(client, user, query):
    client.force_login(user)
    response = client.get(reverse("wagtailadmin_choose_page_search"), {"q": query})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("query", ["Accommodation", "Practical"])
def test_the_page_chooser_search_never_shows_another_citys_draft(
    client, lisbon_trainer, madrid_pages, query
):
    content = chooser_search(client, lisbon_trainer, query)

    assert query not in content


def test_the_page_chooser_search_never_shows_the_draft_title_of_another_citys_page(
    client, lisbon_trainer, madrid_revised
):
    content = chooser_search(client, lisbon_trainer, "academy")

    assert "draft wording" not in content


def test_the_page_chooser_search_shows_another_citys_published_pages(
    client, lisbon_trainer, madrid_pages
):
    content = chooser_search(client, lisbon_trainer, "Getting")

    assert "Getting to the academy" in content


def test_the_page_chooser_search_shows_the_citys_own_drafts(client, lisbon, lisbon_trainer):
    lisbon.academy.add_child(instance=InformationPage(title="Lisbon parking notes", live=False))

    content = chooser_search(client, lisbon_trainer, "parking")

    assert "Lisbon parking notes" in content


def test_a_network_admin_finds_every_citys_drafts_in_the_page_chooser(
    client, network_admin, madrid_pages
):
    assert "Accommodation" in chooser_search(client, network_admin, "Accommodation")


def test_browsing_the_page_chooser_lists_no_draft_of_another_city(
    client, lisbon_trainer, madrid_pages
):
    client.force_login(lisbon_trainer)

    response = client.get(
        reverse("wagtailadmin_choose_page_child", args=[madrid_pages["academy"].pk])
    )

    content = response.content.decode()
    assert "Getting to the academy" in content
    assert "Practical information" not in content


@pytest.mark.parametrize("page", ["folder", "draft"])
def test_browsing_the_page_chooser_under_another_citys_draft_is_not_found(
    client, lisbon_trainer, madrid_pages, page
):
    client.force_login(lisbon_trainer)

    response = client.get(reverse("wagtailadmin_choose_page_child", args=[madrid_pages[page].pk]))

    assert response.status_code == 404
    assert madrid_pages[page].title not in response.content.decode()
