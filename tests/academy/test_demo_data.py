"""The demo's data files: a mistake stops the demo with its file and entry named, and the
demo loads once (a second run adds nothing and says so)."""

import shutil

import pytest
import yaml
from django.core.management import call_command

from home.demo.content import DATA, DemoDataError, read


class DataCopy(type(DATA)):
    """A copy of the demo data to spoil: ``edit(name, change)`` rewrites one of its files."""

    def edit(self, name, change):
        path = self / name
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(content)
        path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")


@pytest.fixture
def data(tmp_path):
    directory = DataCopy(tmp_path / "data")
    shutil.copytree(DATA, directory)
    return directory


def test_the_demo_data_as_shipped_is_sound():
    content = read()

    assert [academy["code"] for academy in content.academies] == ["BRU", "LIS", "MAD", "NCE"]
    assert sum(len(courses) for courses in content.courses.values()) == 8


def test_an_unknown_block_type_is_refused_with_its_module_and_block(data):
    def misspell(content):
        content["courses"][0]["modules"][1]["body"][2] = {"case_studdy": {"title": "Oops"}}

    data.edit("courses/brussels.yaml", misspell)

    with pytest.raises(DemoDataError) as refusal:
        read(data)

    message = str(refusal.value)
    assert message.startswith(
        "courses/brussels.yaml, course 'neighbourhood-policing-multilingual-district'"
    )
    assert "module 'interpreters-and-mediators', block 3" in message
    assert "unknown block type 'case_studdy'" in message
    assert "case_study" in message  # the known types are listed


def test_a_block_with_a_wrong_value_is_refused_with_what_is_wrong(data):
    def wrong_kind(content):
        content["courses"][0]["modules"][0]["body"][0] = {
            "callout": {"kind": "shout", "text": "<p>Hey</p>"}
        }

    data.edit("courses/lisbon.yaml", wrong_kind)

    with pytest.raises(DemoDataError, match=r"module 'what-a-contract-is', block 1: the callout"):
        read(data)


def test_an_unknown_city_code_is_refused_with_its_file(data):
    data.edit("certificates.yaml", lambda content: content["templates"][3].update(academy="NIC"))

    with pytest.raises(DemoDataError) as refusal:
        read(data)

    assert str(refusal.value).startswith("certificates.yaml, template of 'NIC': unknown city code")
    assert "(known: BRU, LIS, MAD, NCE)" in str(refusal.value)


def test_a_course_file_of_an_unknown_city_is_refused(data):
    data.edit("courses/madrid.yaml", lambda content: content.update(academy="MDR"))

    with pytest.raises(DemoDataError, match=r"^courses/madrid.yaml: unknown city code 'MDR'"):
        read(data)


def test_a_missing_translation_of_a_certificate_text_is_refused(data):
    data.edit("certificates.yaml", lambda content: content["texts"]["attendance"].pop("nl"))

    with pytest.raises(DemoDataError, match=r"certificates.yaml, attendance text in 'nl': missing"):
        read(data)


def test_a_signatory_function_missing_in_one_language_is_refused(data):
    def forget(content):
        content["templates"][3]["signatories"][0]["function"].pop("pt")

    data.edit("certificates.yaml", forget)

    with pytest.raises(DemoDataError) as refusal:
        read(data)

    assert str(refusal.value) == (
        "certificates.yaml, template of 'NCE', signatory 'Hélène Giraud': "
        "missing translation of the function in 'pt'."
    )


def test_every_signatory_function_is_written_in_every_language():
    content = read()

    for template in content.certificates["templates"]:
        for signatory in template["signatories"]:
            assert set(signatory["function"]) == {"en", "fr", "nl", "es", "pt"}
    nice = next(t for t in content.certificates["templates"] if t["academy"] == "NCE")
    assert nice["signatories"][0]["function"]["pt"] == "Diretora da academia"


def test_learning_in_a_session_that_does_not_exist_is_refused(data):
    def typo(content):
        content["learning"][1]["enrolments"][0]["session"] = "Mediation (online)"

    data.edit("sessions.yaml", typo)

    with pytest.raises(DemoDataError) as refusal:
        read(data)

    assert str(refusal.value).startswith(
        "sessions.yaml, learning of 'officer.lisbon@academy.example', "
        "session 'Mediation (online)': unknown session 'Mediation (online)'"
    )


def test_a_module_done_that_the_course_does_not_have_is_refused(data):
    def wrong(content):
        content["learning"][0]["enrolments"][0]["modules_done"] = ["knowing-your-beat"]

    data.edit("sessions.yaml", wrong)

    with pytest.raises(DemoDataError, match="unknown module 'knowing-your-beat'"):
        read(data)


def test_a_file_that_is_not_yaml_is_refused_by_name(data):
    (data / "network.yaml").write_text("themes: [unclosed\n", encoding="utf-8")

    with pytest.raises(DemoDataError, match=r"^network.yaml: is not valid YAML"):
        read(data)


def test_seed_demo_says_what_it_added_then_that_nothing_changed(db, capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out

    call_command("seed_demo")
    second = capsys.readouterr().out

    assert "8  certificate templates added" in first
    assert "12  sessions added" in first
    assert "added" not in second
    assert "The demo network is already loaded: nothing changed." in second
    assert "officer.nice@academy.example" in second


def test_attending_a_session_that_is_not_over_is_refused(data):
    def move(content):
        content["sessions"]["LIS"][2]["starts_in_days"] = 3

    data.edit("sessions.yaml", move)

    with pytest.raises(DemoDataError) as refusal:
        read(data)

    assert str(refusal.value) == (
        "sessions.yaml, learning of 'officer.nice@academy.example', "
        "session 'Exchange Day Lisbon: community policing in practice': "
        "a session is attended once it is over (starts_in_days < 0)."
    )


def test_a_person_without_a_name_is_refused_with_the_academy_and_address(data):
    data.edit("academies.yaml", lambda content: content["academies"][2]["people"][1].pop("name"))

    with pytest.raises(DemoDataError) as refusal:
        read(data)

    assert str(refusal.value) == (
        "academies.yaml, academy 'MAD', person 'trainer.madrid@academy.example': 'name' is missing."
    )
