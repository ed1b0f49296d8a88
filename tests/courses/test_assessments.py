"""Taking assessments: snapshots, answers saved as one goes, time limits, idempotent submits,
grading, review policies, and what trainers see."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.models import (
    AssessmentAttempt,
    AssessmentPage,
    Choice,
    Enrolment,
    ModulePage,
    Question,
)
from courses.queries import result
from courses.services import (
    AttemptRefused,
    choice_points,
    close_overdue_attempts,
    complete_module,
    enrol,
    start_attempt,
    submit_attempt,
)
from tests.academy.sessions import make_session
from tests.courses.builders import build_course, publish
from tests.factories import UserFactory

RIGHT_FEEDBACK = "Exactly: threats rule mediation out."


def questions(extra=0):
    return [
        Question(
            kind="single",
            text="When must you not offer mediation?",
            points=Decimal(1),
            choices=[
                Choice(text="When there are threats", is_correct=True, feedback=RIGHT_FEEDBACK),
                Choice(text="When they are neighbours"),
            ],
        ),
        Question(
            kind="multiple",
            text="What does a lasting agreement state?",
            points=Decimal(2),
            partial_credit="proportional",
            choices=[
                Choice(text="Who does what", is_correct=True),
                Choice(text="By when", is_correct=True),
                Choice(text="Which party was right"),
            ],
        ),
        Question(kind="short_text", text="Describe a conflict you would refer.", points=2),
        *[
            Question(
                kind="true_false",
                text=f"Extra statement {number}",
                points=1,
                choices=[Choice(text="True", is_correct=True), Choice(text="False")],
            )
            for number in range(extra)
        ],
    ]


@pytest.fixture
def course(lisbon):
    course = build_course(lisbon.academy, title="Mediation", modules=1)
    AssessmentPage.objects.child_of(course).delete()
    return course


def make_assessment(course, extra=0, **rules):
    rules.setdefault("attempts_allowed", 2)
    return publish(course, AssessmentPage(title="Check", questions=questions(extra), **rules))


@pytest.fixture
def officer_in(course, lisbon):
    def enrolled(officer=None):
        officer = officer or UserFactory()
        session = make_session(lisbon.academy, course=course, capacity=500, title="Run")
        enrolment = enrol(officer, session)
        assert enrolment.state == Enrolment.State.APPROVED
        return officer, enrolment

    return enrolled


def ids(attempt, position):
    return [choice["id"] for choice in attempt.questions[position]["choices"]]


def right(attempt, position):
    return [c["id"] for c in attempt.questions[position]["choices"] if c["correct"]]


def form(attempt, answers, sequence=None):
    """POST data of the attempt page: the questions named and their answers."""
    data = {"sequence": attempt.sequence if sequence is None else sequence, "question": []}
    for position, value in answers.items():
        data["question"].append(position)
        if isinstance(value, str):
            data[f"q{position}-text"] = value
        else:
            data[f"q{position}"] = value
    return data


def test_an_officer_starts_answers_resumes_and_submits(client, course, officer_in):
    assessment = make_assessment(course)
    officer, _enrolment = officer_in()
    client.force_login(officer)

    client.post(reverse("attempt_start", args=[assessment.pk]))
    attempt = AssessmentAttempt.objects.get(officer=officer)
    client.post(reverse("attempt_save", args=[attempt.pk]), form(attempt, {0: right(attempt, 0)}))
    page = client.get(reverse("attempt", args=[attempt.pk])).content.decode()
    assert f'value="{right(attempt, 0)[0]}" checked' in page
    attempt.refresh_from_db()
    response = client.post(
        reverse("attempt_submit", args=[attempt.pk]),
        form(attempt, {1: right(attempt, 1), 2: "Noise at night between two flats."}),
        follow=True,
    )

    attempt.refresh_from_db()
    assert (
        attempt.state == AssessmentAttempt.State.SUBMITTED
    )  # the written answer waits for a trainer
    assert attempt.responses.get(question=0).points == 1
    assert attempt.responses.get(question=1).points == 2
    assert "A trainer grades your written answers" in response.content.decode()


def test_the_attempt_page_never_shows_which_answer_is_right(client, course, officer_in):
    assessment = make_assessment(course, review_policy="score")
    officer, _enrolment = officer_in()
    client.force_login(officer)

    client.post(reverse("attempt_start", args=[assessment.pk]))
    attempt = AssessmentAttempt.objects.get(officer=officer)
    page = client.get(reverse("attempt", args=[attempt.pk])).content.decode()

    assert "When there are threats" in page
    assert RIGHT_FEEDBACK not in page
    assert "correct" not in page.lower()
    submit_attempt(attempt)
    review = client.get(reverse("attempt_review", args=[attempt.pk])).content.decode()
    assert "Score:" in review or "trainer grades" in review
    assert "When there are threats" not in review and RIGHT_FEEDBACK not in review


def test_full_review_shows_right_answers_and_feedback(client, course, officer_in):
    assessment = make_assessment(course, review_policy="full")
    officer, _enrolment = officer_in()
    client.force_login(officer)
    attempt = start_attempt(officer, assessment)

    client.post(
        reverse("attempt_submit", args=[attempt.pk]),
        form(attempt, {0: right(attempt, 0), 2: ""}),
    )
    review = client.get(reverse("attempt_review", args=[attempt.pk])).content.decode()

    assert "(right answer)" in review and RIGHT_FEEDBACK in review


def test_review_waits_until_no_attempt_is_left_when_the_policy_says_so(course, officer_in, client):
    assessment = make_assessment(course, review_from="no_attempts_left", attempts_allowed=2)
    officer, _enrolment = officer_in()
    client.force_login(officer)
    first = start_attempt(officer, assessment)
    submit_attempt(first)

    page = client.get(reverse("attempt_review", args=[first.pk])).content.decode()
    assert "shown once you have no attempt left" in page and "Score:" not in page
    submit_attempt(start_attempt(officer, assessment))
    assert "Score:" in client.get(reverse("attempt_review", args=[first.pk])).content.decode()


def test_starting_twice_resumes_the_same_attempt_and_the_limit_holds(course, officer_in):
    assessment = make_assessment(course, attempts_allowed=1)
    officer, _enrolment = officer_in()

    first = start_attempt(officer, assessment)
    assert start_attempt(officer, assessment) == first
    submit_attempt(first)

    with pytest.raises(AttemptRefused, match="no attempt left"):
        start_attempt(officer, assessment)
    assert AssessmentAttempt.objects.count() == 1


def test_only_officers_with_a_place_may_start(course, client):
    assessment = make_assessment(course)
    stranger = UserFactory()
    client.force_login(stranger)

    response = client.post(reverse("attempt_start", args=[assessment.pk]), follow=True)

    assert "open to officers with a place" in response.content.decode()
    assert not AssessmentAttempt.objects.exists()


def test_a_stale_form_is_refused_and_overwrites_nothing(client, course, officer_in):
    assessment = make_assessment(course)
    officer, _enrolment = officer_in()
    client.force_login(officer)
    attempt = start_attempt(officer, assessment)
    url = reverse("attempt_save", args=[attempt.pk])

    client.post(url, form(attempt, {0: right(attempt, 0)}, sequence=0))  # tab A
    stale = client.post(
        url, form(attempt, {0: [ids(attempt, 0)[1]]}, sequence=0), follow=True
    )  # tab B, opened before A saved

    assert "Newer answers were saved since this page was opened" in stale.content.decode()
    assert attempt.responses.get(question=0).selected == right(attempt, 0)


def test_the_autosave_answers_json_and_says_when_stale(client, course, officer_in):
    assessment = make_assessment(course)
    officer, _enrolment = officer_in()
    client.force_login(officer)
    attempt = start_attempt(officer, assessment)
    url = reverse("attempt_save", args=[attempt.pk])

    saved = client.post(url, form(attempt, {0: right(attempt, 0)}), HTTP_ACCEPT="application/json")
    stale = client.post(url, form(attempt, {2: "late"}, sequence=0), HTTP_ACCEPT="application/json")

    assert saved.json()["sequence"] == 1
    assert stale.status_code == 409 and stale.json()["stale"]


def test_a_choice_of_another_question_is_refused_with_a_clear_message(client, course, officer_in):
    assessment = make_assessment(course)
    officer, _enrolment = officer_in()
    client.force_login(officer)
    attempt = start_attempt(officer, assessment)

    response = client.post(
        reverse("attempt_save", args=[attempt.pk]),
        form(attempt, {0: [ids(attempt, 1)[0]]}),
        follow=True,
    )

    assert "Question 1: that choice is not one of its options." in response.content.decode()
    assert not attempt.responses.exists()


def test_someone_elses_attempt_is_not_found(client, course, officer_in):
    assessment = make_assessment(course)
    owner, _enrolment = officer_in()
    attempt = start_attempt(owner, assessment)
    other, _other_enrolment = officer_in()
    client.force_login(other)

    for name in ("attempt", "attempt_review"):
        assert client.get(reverse(name, args=[attempt.pk])).status_code == 404
    for name in ("attempt_save", "attempt_submit"):
        assert client.post(reverse(name, args=[attempt.pk]), form(attempt, {})).status_code == 404


def test_answers_of_a_submitted_attempt_cannot_change(client, course, officer_in):
    assessment = make_assessment(course)
    officer, _enrolment = officer_in()
    client.force_login(officer)
    attempt = start_attempt(officer, assessment)
    submit_attempt(attempt)
    attempt.refresh_from_db()

    response = client.post(
        reverse("attempt_save", args=[attempt.pk]),
        form(attempt, {0: right(attempt, 0)}),
        follow=True,
    )

    assert "its answers can no longer change" in response.content.decode()
    assert attempt.responses.get(question=0).selected == []


def test_submitting_twice_grades_once(client, course, officer_in):
    assessment = make_assessment(course)
    officer, _enrolment = officer_in()
    client.force_login(officer)
    attempt = start_attempt(officer, assessment)
    data = form(attempt, {0: right(attempt, 0), 2: ""})

    client.post(reverse("attempt_submit", args=[attempt.pk]), data)
    first = AssessmentAttempt.objects.get(pk=attempt.pk)
    again = client.post(reverse("attempt_submit", args=[attempt.pk]), data, follow=True)

    second = AssessmentAttempt.objects.get(pk=attempt.pk)
    assert "already submitted" in again.content.decode()
    assert (second.score, second.submitted_at) == (first.score, first.submitted_at)


def test_time_is_kept_by_the_server_and_an_abandoned_attempt_is_closed(course, officer_in, client):
    assessment = make_assessment(course, time_limit_minutes=10)
    officer, _enrolment = officer_in()
    attempt = start_attempt(officer, assessment)
    client.force_login(officer)
    page = client.get(reverse("attempt", args=[attempt.pk])).content.decode()
    assert 'data-seconds-left="599"' in page or 'data-seconds-left="600"' in page
    client.post(reverse("attempt_save", args=[attempt.pk]), form(attempt, {0: right(attempt, 0)}))
    AssessmentAttempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - datetime.timedelta(minutes=5)
    )

    assert close_overdue_attempts() == 1

    attempt.refresh_from_db()
    assert attempt.state != AssessmentAttempt.State.IN_PROGRESS and attempt.submitted_automatically
    assert attempt.responses.get(question=0).points == 1  # what was saved counts
    assert close_overdue_attempts() == 0


def test_answers_sent_after_the_time_are_not_taken(client, course, officer_in):
    assessment = make_assessment(course, time_limit_minutes=10)
    officer, _enrolment = officer_in()
    client.force_login(officer)
    attempt = start_attempt(officer, assessment)
    AssessmentAttempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - datetime.timedelta(minutes=5)
    )

    client.post(reverse("attempt_submit", args=[attempt.pk]), form(attempt, {0: right(attempt, 0)}))

    attempt.refresh_from_db()
    assert attempt.submitted_automatically
    assert attempt.responses.get(question=0).selected == []


def test_partial_credit_for_multiple_choice():
    question = {
        "kind": "multiple",
        "points": "2",
        "partial_credit": "proportional",
        "choices": [
            {"id": 1, "correct": True},
            {"id": 2, "correct": True},
            {"id": 3, "correct": False},
        ],
    }

    assert choice_points(question, [1, 2]) == 2
    assert choice_points(question, [1]) == 1
    assert choice_points(question, [1, 3]) == 0
    assert choice_points(question, [3]) == 0
    assert choice_points({**question, "partial_credit": "all_or_nothing"}, [1]) == 0


def test_a_past_attempt_keeps_its_questions_when_the_page_changes(client, course, officer_in):
    assessment = make_assessment(course, review_policy="answers")
    officer, _enrolment = officer_in()
    client.force_login(officer)
    attempt = start_attempt(officer, assessment)
    submit_attempt(attempt)

    Question.objects.filter(assessment=assessment).update(text="Rewritten question", points=9)
    review = client.get(reverse("attempt_review", args=[attempt.pk])).content.decode()

    assert "When must you not offer mediation?" in review and "Rewritten" not in review
    attempt.refresh_from_db()
    assert attempt.max_score == 5


def test_the_grading_method_picks_the_attempt_that_counts(course, officer_in):
    officer, enrolment = officer_in()
    highest = make_assessment(course, grading_method="highest")
    attempts = [
        AssessmentAttempt(
            number=1, state=AssessmentAttempt.State.GRADED, score=4, max_score=5, pass_mark=70
        ),
        AssessmentAttempt(
            number=2, state=AssessmentAttempt.State.GRADED, score=2, max_score=5, pass_mark=70
        ),
    ]

    assert result(enrolment, highest, attempts).number == 1
    highest.grading_method = "last"
    assert result(enrolment, highest, attempts).number == 2


def test_passing_the_assessment_completes_the_enrolment(
    course, officer_in, django_capture_on_commit_callbacks
):
    assessment = make_assessment(course)
    Question.objects.filter(assessment=assessment, kind="short_text").delete()
    officer, enrolment = officer_in()
    complete_module(enrolment, ModulePage.objects.child_of(course).get())
    attempt = start_attempt(officer, assessment)
    answers = {0: (right(attempt, 0), ""), 1: (right(attempt, 1), "")}

    with django_capture_on_commit_callbacks(execute=True):
        submit_attempt(attempt, answers=answers, sequence=0)

    enrolment.refresh_from_db()
    assert enrolment.state == Enrolment.State.COMPLETED


# Trainers


def test_a_trainer_grades_written_answers_from_the_queue(
    client, course, officer_in, lisbon_trainer, madrid_trainer
):
    assessment = make_assessment(course, review_policy="answers")
    officer, _enrolment = officer_in()
    attempt = start_attempt(officer, assessment)
    submit_attempt(attempt, answers={2: ([], "Noise between flats.")}, sequence=0)
    response = attempt.responses.get(question=2)

    client.force_login(madrid_trainer)
    assert (
        officer.academy_profile.full_name
        not in client.get(reverse("courses_grading_queue")).content.decode()
    )
    assert client.get(reverse("courses_grade_attempt", args=[attempt.pk])).status_code == 404
    client.force_login(lisbon_trainer)
    assert (
        officer.academy_profile.full_name
        in client.get(reverse("courses_grading_queue")).content.decode()
    )
    too_many = client.post(
        reverse("courses_grade_attempt", args=[attempt.pk]),
        {f"points-{response.pk}": "5", f"comment-{response.pk}": "Good example"},
    )
    assert "Give between 0 and 2 points." in too_many.content.decode()
    assert 'value="5"' in too_many.content.decode()
    client.post(
        reverse("courses_grade_attempt", args=[attempt.pk]),
        {f"points-{response.pk}": "1.5", f"comment-{response.pk}": "Good example"},
    )

    attempt.refresh_from_db()
    assert attempt.state == AssessmentAttempt.State.GRADED and attempt.score == Decimal("1.5")
    client.force_login(officer)
    review = client.get(reverse("attempt_review", args=[attempt.pk])).content.decode()
    assert "Good example" in review


def graded_attempts(assessment, officer_in, count):
    for number in range(count):
        officer, _enrolment = officer_in()
        attempt = start_attempt(officer, assessment)
        pick = right(attempt, 0) if number % 2 else [ids(attempt, 0)[1]]
        submit_attempt(attempt, answers={0: (pick, ""), 1: (right(attempt, 1), "")}, sequence=0)


def test_results_and_item_analysis_export_for_the_citys_trainer_only(
    client, course, officer_in, lisbon_trainer, madrid_trainer
):
    assessment = make_assessment(course)
    Question.objects.filter(assessment=assessment, kind="short_text").delete()
    graded_attempts(assessment, officer_in, 4)
    client.force_login(madrid_trainer)
    assert client.get(reverse("courses_assessment_items", args=[assessment.pk])).status_code == 404
    client.force_login(lisbon_trainer)

    results = client.get(reverse("courses_assessment_results", args=[assessment.pk]))
    assert "4 graded attempts" in results.content.decode()
    assert "<title>60–69: 2</title>" in results.content.decode()  # the chart of scores
    assert "pass rate 50%" in results.content.decode()
    export = client.get(
        reverse("courses_assessment_items", args=[assessment.pk]), {"export": "csv"}
    )
    exported = b"".join(export.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(exported)))
    first = next(row for row in rows if row["Question"].startswith("When must"))
    assert first["Facility index"] == "0.5"
    assert first["Discrimination index"] == "1.0"
    assert "When there are threats: 2" in first["Choices picked"]
    xlsx = client.get(
        reverse("courses_assessment_results", args=[assessment.pk]), {"export": "xlsx"}
    )
    assert xlsx.status_code == 200


def test_attempt_page_queries_do_not_grow_with_questions(client, course, officer_in, lisbon):
    def count(extra):
        small_course = build_course(lisbon.academy, title=f"Course {extra}", modules=0)
        AssessmentPage.objects.child_of(small_course).delete()
        assessment = make_assessment(small_course, extra=extra)
        officer = UserFactory()
        enrol(officer, make_session(lisbon.academy, course=small_course, capacity=5))
        attempt = start_attempt(officer, assessment)
        client.force_login(officer)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("attempt", args=[attempt.pk]))
        assert response.status_code == 200
        pages.append(response.content.decode())
        return len(captured.captured_queries)

    pages = []
    assert count(2) == count(30)
    # The three questions of every assessment here, and the thirty extra ones.
    missing = [n for n in range(30) if f"Extra statement {n} <" not in pages[-1]]
    assert missing == [] and "Describe a conflict you would refer." in pages[-1]


# Concurrency (PostgreSQL)


def test_my_learning_shows_results_the_review_policy_allows(client, course, officer_in):
    assessment = make_assessment(course, review_from="no_attempts_left", attempts_allowed=2)
    Question.objects.filter(assessment=assessment, kind="short_text").delete()
    officer, _enrolment = officer_in()
    client.force_login(officer)
    first = start_attempt(officer, assessment)
    submit_attempt(first, answers={0: (right(first, 0), "")}, sequence=0)

    assert "Check: 33%" not in client.get(reverse("my_learning")).content.decode()
    submit_attempt(start_attempt(officer, assessment))
    assert "Check: 33% · Not passed" in client.get(reverse("my_learning")).content.decode()


def test_an_old_form_saying_the_same_as_the_saved_answers_still_submits(client, course, officer_in):
    assessment = make_assessment(course)
    officer, _enrolment = officer_in()
    client.force_login(officer)
    attempt = start_attempt(officer, assessment)
    answers = {0: right(attempt, 0), 2: "Noise at night."}
    client.post(reverse("attempt_save", args=[attempt.pk]), form(attempt, answers, sequence=0))

    response = client.post(
        reverse("attempt_submit", args=[attempt.pk]), form(attempt, answers, sequence=0)
    )

    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.state == AssessmentAttempt.State.SUBMITTED
