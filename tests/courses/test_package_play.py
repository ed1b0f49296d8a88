"""Playing packages: who gets their files, under which policy, and what a package's commits
do to an officer's records."""

import json

from django.urls import reverse

from certificates.models import Certificate
from courses.models import Enrolment, ModuleProgress, PackageTracking
from courses.services import enrol
from tests.academy.sessions import make_session
from tests.courses.package_builders import (
    h5p_files,
    package_course,
    scorm12_files,
    scorm12_two_sco_files,
    scorm2004_files,
)
from tests.factories import UserFactory


def enrolled_in_package_course(officer, academy, files=None, **session_fields):
    course, module, package = package_course(academy, files or scorm12_files())
    session = make_session(academy, course=course, capacity=50, title="Run", **session_fields)
    return module, package, enrol(officer, session)


def player_config(client, module):
    response = client.get(reverse("package_player", args=[module.pk]))
    assert response.status_code == 200
    return response, json.loads(
        response.content.decode()
        .split('id="player-config" type="application/json">')[1]
        .split("</script>")[0]
    )


def commit(client, module, config, seq, cmi=None, statement=None, token=None):
    body = {"token": token or config["token"], "seq": seq, "sco": config["sco"]}
    if cmi is not None:
        body["cmi"] = cmi
    if statement is not None:
        body["statement"] = statement
    return client.post(
        reverse("package_commit", args=[module.pk]),
        json.dumps(body),
        content_type="text/plain;charset=UTF-8",
    )


def test_an_enrolled_officer_gets_the_package_files_under_a_policy_keeping_them_on_site(
    client, lisbon, officer
):
    module, _package, _enrolment = enrolled_in_package_course(officer, lisbon.academy)
    client.force_login(officer)

    response = client.get(reverse("package_file", args=[module.pk, "index.html"]))

    assert response.status_code == 200
    assert b"Pages read" in b"".join(response.streaming_content)
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "connect-src 'self'" in policy
    assert "frame-ancestors 'self'" in policy
    assert "https:" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_officer_not_enrolled_gets_no_package_file(client, lisbon, officer):
    module, _package, _enrolment = enrolled_in_package_course(UserFactory(), lisbon.academy)
    client.force_login(officer)

    assert client.get(reverse("package_file", args=[module.pk, "index.html"])).status_code == 404
    assert client.get(reverse("package_player", args=[module.pk])).status_code == 404


def test_someone_signed_out_gets_no_package_file(client, lisbon, officer):
    module, _package, _enrolment = enrolled_in_package_course(officer, lisbon.academy)

    response = client.get(reverse("package_file", args=[module.pk, "index.html"]))

    assert response.status_code == 302


def test_staff_of_the_city_see_the_package_and_staff_of_another_do_not(
    client, lisbon, madrid, lisbon_trainer, madrid_trainer, officer
):
    module, _package, _enrolment = enrolled_in_package_course(officer, lisbon.academy)
    url = reverse("package_file", args=[module.pk, "sco.js"])

    client.force_login(lisbon_trainer)
    assert client.get(url).status_code == 200
    client.force_login(madrid_trainer)
    assert client.get(url).status_code == 404


def test_a_path_outside_the_package_is_not_served(client, lisbon, officer):
    module, _package, _enrolment = enrolled_in_package_course(officer, lisbon.academy)
    client.force_login(officer)

    response = client.get(reverse("package_file", args=[module.pk, "../archive"]))

    assert response.status_code == 404


def test_the_module_page_plays_the_package_in_a_sandboxed_frame(client, lisbon, officer):
    module, _package, _enrolment = enrolled_in_package_course(officer, lisbon.academy)
    client.force_login(officer)

    response = client.get(module.url)
    page = response.content.decode()

    assert reverse("package_player", args=[module.pk]) in page
    assert 'sandbox="allow-scripts allow-same-origin allow-forms allow-downloads"' in page
    assert "Mark this module as done" not in page
    frames = next(
        directive
        for directive in response["Content-Security-Policy"].split("; ")
        if directive.startswith("frame-src")
    )
    assert "'self'" in frames.split()


def test_a_completed_scorm_package_completes_the_course_and_the_certificate_follows(
    client, lisbon, officer, django_capture_on_commit_callbacks
):
    module, _package, enrolment = enrolled_in_package_course(
        officer, lisbon.academy, certificates_on_completion=True
    )
    client.force_login(officer)
    _response, config = player_config(client, module)

    with django_capture_on_commit_callbacks(execute=True):
        answer = commit(
            client,
            module,
            config,
            1,
            {"cmi.core.lesson_status": "completed", "cmi.core.score.raw": "90"},
        )

    assert answer.json() == {"result": "true", "errorCode": 0}
    tracking = PackageTracking.objects.get(enrolment=enrolment)
    assert (tracking.completion_status, tracking.success_status) == ("completed", "passed")
    assert ModuleProgress.objects.get(enrolment=enrolment).completed_at is not None
    enrolment.refresh_from_db()
    assert enrolment.state == Enrolment.State.COMPLETED
    assert Certificate.objects.filter(enrolment=enrolment).count() == 1


def test_a_score_below_the_mastery_score_fails_and_leaves_the_module_open(client, lisbon, officer):
    module, _package, enrolment = enrolled_in_package_course(officer, lisbon.academy)
    client.force_login(officer)
    _response, config = player_config(client, module)

    commit(
        client,
        module,
        config,
        1,
        {"cmi.core.lesson_status": "completed", "cmi.core.score.raw": "50"},
    )

    assert PackageTracking.objects.get(enrolment=enrolment).success_status == "failed"
    assert not ModuleProgress.objects.filter(enrolment=enrolment, completed_at__isnull=False)


def test_a_scorm_2004_pass_completes_the_module(client, lisbon, officer):
    module, _package, enrolment = enrolled_in_package_course(
        officer, lisbon.academy, scorm2004_files()
    )
    client.force_login(officer)
    _response, config = player_config(client, module)

    commit(
        client,
        module,
        config,
        1,
        {
            "cmi.completion_status": "completed",
            "cmi.success_status": "passed",
            "cmi.score.scaled": "0.9",
            "cmi.session_time": "PT2M5S",
        },
    )

    tracking = PackageTracking.objects.get(enrolment=enrolment)
    assert float(tracking.score_scaled) == 0.9
    assert tracking.seconds_spent == 125
    assert ModuleProgress.objects.get(enrolment=enrolment).completed_at is not None


def test_a_retried_commit_counts_its_time_once(client, lisbon, officer):
    module, _package, enrolment = enrolled_in_package_course(officer, lisbon.academy)
    client.force_login(officer)
    _response, config = player_config(client, module)
    cmi = {"cmi.core.session_time": "0000:03:00", "cmi.suspend_data": "3"}

    commit(client, module, config, 1, cmi)
    commit(client, module, config, 1, cmi)
    commit(client, module, config, 2, {**cmi, "cmi.core.session_time": "0000:04:00"})
    commit(client, module, config, 1, cmi)  # a late duplicate of the first

    tracking = PackageTracking.objects.get(enrolment=enrolment)
    assert tracking.seconds_spent == 240
    assert tracking.suspend_data == "3"


def test_two_tabs_add_their_own_time_and_never_undo_a_completion(client, lisbon, officer):
    module, _package, enrolment = enrolled_in_package_course(officer, lisbon.academy)
    client.force_login(officer)
    _first, tab_one = player_config(client, module)
    _second, tab_two = player_config(client, module)

    commit(
        client,
        module,
        tab_one,
        1,
        {"cmi.core.lesson_status": "passed", "cmi.core.session_time": "0000:02:00"},
    )
    commit(
        client,
        module,
        tab_two,
        1,
        {"cmi.core.lesson_status": "incomplete", "cmi.core.session_time": "0000:01:00"},
    )

    tracking = PackageTracking.objects.get(enrolment=enrolment)
    assert tracking.seconds_spent == 180
    assert (tracking.completion_status, tracking.success_status) == ("completed", "passed")


def test_oversized_suspend_data_is_refused_clearly_and_nothing_of_it_kept(
    client, lisbon, officer, settings
):
    settings.ACADEMY_SUSPEND_DATA_MAX = 100
    module, _package, enrolment = enrolled_in_package_course(officer, lisbon.academy)
    client.force_login(officer)
    _response, config = player_config(client, module)

    answer = commit(
        client,
        module,
        config,
        1,
        {"cmi.suspend_data": "x" * 101, "cmi.core.lesson_location": "page-9"},
    )

    assert answer.status_code == 413
    assert "at most 100 are kept" in answer.json()["errorMessage"]
    assert not PackageTracking.objects.filter(enrolment=enrolment, location="page-9").exists()


def test_the_player_resumes_where_the_officer_left(client, lisbon, officer):
    module, _package, _enrolment = enrolled_in_package_course(officer, lisbon.academy)
    client.force_login(officer)
    _response, config = player_config(client, module)
    commit(
        client,
        module,
        config,
        1,
        {"cmi.core.lesson_location": "page-2", "cmi.suspend_data": "2"},
    )

    _again, resumed = player_config(client, module)

    assert resumed["resume"]["cmi.core.lesson_location"] == "page-2"
    assert resumed["resume"]["cmi.suspend_data"] == "2"
    assert resumed["resume"]["cmi.core.entry"] == "resume"
    assert resumed["resume"]["cmi.student_data.mastery_score"] == "80"


def test_a_commit_without_the_players_token_is_refused(client, lisbon, officer):
    module, _package, enrolment = enrolled_in_package_course(officer, lisbon.academy)
    client.force_login(officer)
    _response, config = player_config(client, module)

    answer = commit(client, module, config, 1, {"cmi.core.lesson_status": "passed"}, token="forged")

    assert answer.status_code == 403
    assert not PackageTracking.objects.filter(enrolment=enrolment).exists()


def test_another_officers_token_does_not_write_to_their_records(client, lisbon, officer):
    module, _package, _enrolment = enrolled_in_package_course(officer, lisbon.academy)
    other = UserFactory()
    enrol(other, module.get_parent().specific.sessions.first())
    client.force_login(officer)
    _response, config = player_config(client, module)
    client.force_login(other)

    answer = commit(client, module, config, 1, {"cmi.core.lesson_status": "passed"})

    assert answer.status_code == 403


def test_an_h5p_completed_event_with_a_score_completes_the_module(client, lisbon, officer):
    module, _package, enrolment = enrolled_in_package_course(officer, lisbon.academy, h5p_files())
    client.force_login(officer)
    _response, config = player_config(client, module)

    commit(
        client,
        module,
        config,
        1,
        statement={
            "verb": "completed",
            "result": {"score": {"raw": 9, "max": 10, "scaled": 0.9}, "completion": True},
        },
    )

    tracking = PackageTracking.objects.get(enrolment=enrolment)
    assert float(tracking.score_scaled) == 0.9
    assert ModuleProgress.objects.get(enrolment=enrolment).completed_at is not None


def test_a_module_of_two_scos_is_done_once_both_are(client, lisbon, officer):
    module, package, enrolment = enrolled_in_package_course(
        officer, lisbon.academy, scorm12_two_sco_files()
    )
    client.force_login(officer)
    passed = {"cmi.core.lesson_status": "passed"}
    done = ModuleProgress.objects.filter(enrolment=enrolment, completed_at__isnull=False)

    _response, first = player_config(client, module)
    commit(client, module, first, 1, passed)
    assert [sco["identifier"] for sco in package.scos] == ["lesson-1", "lesson-2"]
    assert not done.exists()

    response = client.get(reverse("package_player", args=[module.pk]) + "?sco=lesson-2")
    second = json.loads(
        response.content.decode().split('type="application/json">')[1].split("</script>")[0]
    )
    assert second["launchUrl"].endswith("/package/index.html?part=2")
    commit(client, module, second, 1, passed)
    assert done.exists()
