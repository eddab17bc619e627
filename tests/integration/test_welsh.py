"""Welsh: every public page, message and email in Welsh, switchable on every page, and
the person's language remembered for what we send them later.

Two checks find English left behind:
- the catalogue: every string marked for translation in the code has a Welsh
  translation (not empty, not fuzzy, with the same placeholders);
- the pages: each public page, error states included, is read in English and again in
  Welsh; any visible text (or label read by a screen reader, or a message the page's
  JavaScript shows) that is the same in both was not translated. This also catches
  English that was never marked at all.
"""

import html
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
from babel.messages.pofile import read_po
from backoffice_helpers import browser
from flask import Flask
from flask.testing import FlaskClient
from journey_helpers import JOURNEYS, Journey, Page, answers_for, page_of, team_ids
from smtp_server import SmtpServer

from portal.extensions import mail
from portal.models import Team
from portal.services import outbox

ROOT = Path(__file__).resolve().parents[2]
WELSH_PO = ROOT / "portal" / "translations" / "cy" / "LC_MESSAGES" / "messages.po"

# Words that are the same in Welsh and English: each one checked, not a way out.
SAME_IN_WELSH = {
    "Cymraeg",  # the switch to Welsh is always in Welsh
    "English",  # and the switch back in English
    "Childline",
    "Post",  # "post" is Welsh too
    "PDF",
    "BSL",
    "ico.org.uk/make-a-complaint",  # the ICO's web address, on the privacy notice
}

REFERENCE = re.compile(r"\b[A-Z]{2,5}-\d{4}-\d{4,}\b")
ATTRIBUTES_READ_OUT = ("aria-label", "alt", "title", "placeholder")


# --- the catalogue -----------------------------------------------------------------------


def extracted_messages(tmp_path: Path) -> dict[str, object]:
    """Every string the code marks for translation, as `make messages` finds them."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            Path(sys.executable).parent / "pybabel",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        catalogue = read_po(handle)
    return {
        message.id if isinstance(message.id, str) else message.id[0]: message
        for message in catalogue
        if message.id
    }


def test_every_marked_string_has_a_welsh_translation(tmp_path: Path) -> None:
    marked = extracted_messages(tmp_path)
    assert len(marked) > 300, "the public pages should have hundreds of strings"
    with WELSH_PO.open("rb") as handle:
        welsh = read_po(handle, locale="cy")
    missing, fuzzy, empty = [], [], []
    for msgid in marked:
        entry = welsh.get(msgid)
        if entry is None:
            missing.append(msgid)
        elif entry.fuzzy:
            fuzzy.append(msgid)
        elif isinstance(entry.string, tuple):
            if not all(entry.string):
                empty.append(msgid)
        elif not entry.string:
            empty.append(msgid)
    assert not missing, f"{len(missing)} strings not in the Welsh catalogue: {missing[:20]}"
    assert not empty, f"{len(empty)} strings with no Welsh yet: {empty[:20]}"
    assert not fuzzy, f"{len(fuzzy)} Welsh translations marked fuzzy: {fuzzy[:20]}"


def test_welsh_translations_keep_every_placeholder() -> None:
    """A translation that drops or renames %(date)s would crash or mislead at runtime."""
    with WELSH_PO.open("rb") as handle:
        welsh = read_po(handle, locale="cy")
    placeholder = re.compile(r"%\(\w+\)[sd]|\{\{\s*\w+\s*\}\}|%\{\w+\}")
    wrong = []
    for message in welsh:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(placeholder.findall(ids[-1]))
        for string in strings:
            found = set(placeholder.findall(string))
            # Welsh plural forms may say "one" in words instead of %(num)d.
            if found - wanted or (wanted - found - {"%(num)d", "%(count)d"}):
                wrong.append((ids[0], string))
    assert not wrong, wrong[:10]
    errors = [(m.id, e) for m, e in welsh.check()]  # babel's own python-format check
    assert not errors, errors[:10]


def test_the_compiled_catalogue_matches_the_text_one() -> None:
    """`make setup` compiles the catalogue; a stale .mo would show old Welsh."""
    compiled = WELSH_PO.with_suffix(".mo")
    assert compiled.exists(), "run make translations"
    assert compiled.stat().st_mtime >= WELSH_PO.stat().st_mtime, "run make translations"


# --- reading pages in both languages -----------------------------------------------------


class Words(Page):
    """A page's words as a person meets them: text, what a screen reader reads from
    attributes, and the messages GOV.UK Frontend's JavaScript shows (data-i18n.*)."""

    def words(self) -> set[str]:
        found: set[str] = set()
        skip_inside = {"script", "style", "textarea"}
        for element in self.elements:
            for name, value in element.attrs.items():
                if name in ATTRIBUTES_READ_OUT or name.startswith("data-i18n"):
                    found.add(value)
        found |= {part for part in self.text_nodes if part}
        return (
            {
                word
                for word in (re.sub(r"\s+", " ", w).strip() for w in found)
                if re.search(r"[A-Za-z]{2,}", word)
            }
            - {""}
            - set(skip_inside)
        )

    @property
    def text_nodes(self) -> list[str]:
        return self._nodes

    def reset(self) -> None:
        self._nodes: list[str] = []
        self._skipping = 0
        super().reset()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "textarea"):
            self._skipping += 1
        super().handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "textarea"):
            self._skipping -= 1
        super().handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._nodes.append(data)
        super().handle_data(data)


def read(client: FlaskClient, url: str, language: str, **kwargs: object) -> Words:
    joiner = "&" if "?" in url else "?"
    response = client.get(f"{url}{joiner}lang={language}", **kwargs)  # type: ignore[arg-type]
    assert response.status_code in (200, 400, 404, 410, 429), (url, response.status_code)
    return Words(response.get_data(as_text=True), response.status_code)


def allowed_same(app: Flask, typed: set[str]) -> set[str]:
    """What may rightly be the same in both: names and numbers from configuration,
    team names and what the person typed."""
    config = app.config
    same = {
        config["COUNCIL_NAME"],
        config["COUNCIL_SHORT_NAME"],
        config["COUNCIL_PHONE"],
        config["COUNCIL_EMAIL"],
        *config["COUNCIL_ADDRESS"].splitlines(),
        config["COUNCIL_ADDRESS"],
        # On the privacy notice, the accessibility statement and the cookies page.
        config["COUNCIL_DPO_EMAIL"],
        config["COUNCIL_DPO_ADDRESS"],
        config["COUNCIL_ACCESSIBILITY_EMAIL"],
        config["SESSION_COOKIE_NAME"],
        *SAME_IN_WELSH,
        *typed,
    }
    return {re.sub(r"\s+", " ", s).strip() for s in same}


def untranslated(
    app: Flask, english: Words, welsh: Words, typed: set[str] | None = None
) -> set[str]:
    assert welsh.html != english.html
    same = (english.words() & welsh.words()) - allowed_same(app, typed or set())
    return {words for words in same if not only_names_and_numbers(words)}


def only_names_and_numbers(words: str) -> bool:
    """ "Childline: 0800 1111" or a reference like CSC-2026-0001: nothing to translate."""
    left = REFERENCE.sub("", words)
    for name in SAME_IN_WELSH:
        left = left.replace(name, "")
    return not re.search(r"[A-Za-z]{2,}", left)


def typed_values(answers: dict[str, dict[str, object]]) -> set[str]:
    values: set[str] = set()
    for step in answers.values():
        for value in step.values():
            if isinstance(value, str):
                values.add(value)
    return values


@pytest.fixture
def welsh_app(app: Flask) -> Flask:
    app.config["WELSH_ENABLED"] = True
    return app


def welsh_team_names(app: Flask) -> None:
    """A council in Wales names its services in Welsh too."""
    from portal.extensions import db

    for team in db.session.scalars(db.select(Team)):
        team.public_name_cy = f"Gwasanaeth {team.id}"
        team.public_description_cy = f"Disgrifiad {team.id}" if team.public_description else ""
    db.session.commit()


ROLES = ["child", "parent", "professional", "advocate"]


@pytest.mark.parametrize("kind", list(JOURNEYS))
@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_every_journey_is_in_welsh(welsh_app: Flask, kind: str, role: str) -> None:
    """Each question page, empty and with every error showing, then check your
    answers and the confirmation: nothing left in English."""
    welsh_team_names(welsh_app)
    client = welsh_app.test_client()
    journey = Journey(client, kind)
    answers = answers_for(kind, role)
    typed = typed_values(answers) | set(team_ids())
    problems: dict[str, set[str]] = {}
    step = "who-are-you"
    while step != "check-answers":
        url = journey.url(step)
        left = untranslated(welsh_app, read(client, url, "en"), read(client, url, "cy"), typed)
        # Every error this page can show: post it empty, in each language (the files
        # page: press "Add file" with no file chosen).
        empty = {"csrf_token": journey.token} | ({"upload": "yes"} if step == "files" else {})
        client.get(f"{url}?lang=en")
        english_errors = Words(client.post(url, data=empty).get_data(as_text=True))
        client.get(f"{url}?lang=cy")
        welsh_errors = Words(client.post(url, data=empty).get_data(as_text=True))
        assert welsh_errors.error_summary, f"{step} showed no errors when sent empty"
        left |= untranslated(welsh_app, english_errors, welsh_errors, typed)
        if left:
            problems[step] = left
        step = journey.answer(step, answers[step])
    url = journey.url("check-answers")
    left = untranslated(welsh_app, read(client, url, "en"), read(client, url, "cy"), typed)
    if left:
        problems["check-answers"] = left
    client.get(f"{url}?lang=cy")
    confirmation = journey.send_and_confirm()
    assert confirmation.find_all("html")[0].attrs["lang"] == "cy"
    english = read(client, journey.url("confirmation"), "en")
    left = untranslated(welsh_app, english, Words(confirmation.html), typed)
    if left:
        problems["confirmation"] = left
    assert not problems, "\n".join(f"{step}: {sorted(words)}" for step, words in problems.items())


def test_the_other_public_pages_are_in_welsh(welsh_app: Flask) -> None:
    """The start page, the danger page, saving for later and coming back, a tracking
    page, a missing page, the privacy notice, the accessibility statement and the
    cookies page: nothing left in English."""
    client = welsh_app.test_client()
    journey = Journey(client, "complaint")
    answers = answers_for("complaint", "parent")
    step = "who-are-you"
    while step != "what-happened":
        step = journey.answer(step, answers[step])
    pages = [
        "/",
        "/make-a-complaint/get-help-now?then=what-happened",
        "/make-a-complaint/save-for-later?step=what-happened",
        "/make-a-complaint/files",
        "/continue/not-a-real-link",
        "/feedback/not-a-real-link",
        "/no-such-page",
        "/privacy",
        "/accessibility-statement",
        "/cookies",
    ]
    problems = {}
    for url in pages:
        left = untranslated(welsh_app, read(client, url, "en"), read(client, url, "cy"))
        if left:
            problems[url] = left
    # The save page's errors, then the page that says it is saved.
    save = "/make-a-complaint/save-for-later"
    english = Words(
        client.post(f"{save}?lang=en", data={"csrf_token": journey.token}).get_data(as_text=True)
    )
    welsh = Words(
        client.post(f"{save}?lang=cy", data={"csrf_token": journey.token}).get_data(as_text=True)
    )
    assert welsh.error_summary
    left = untranslated(welsh_app, english, welsh)
    if left:
        problems["save errors"] = left
    # Words that worried us, shown back with the offer to contact them today; then the
    # same page sent without an answer.
    worrying = "My stepdad hits me when mum is at work."
    journey.post("what-happened", {"what_happened": worrying, "when_it_happened": "last_month"})
    asking = "/make-a-complaint/check-you-are-safe?step=what-happened&then=put-it-right"
    left = untranslated(
        welsh_app, read(client, asking, "en"), read(client, asking, "cy"), {f"“{worrying}”"}
    )
    for lang in ("en", "cy"):
        sent = client.post(f"{asking}&lang={lang}", data={"csrf_token": journey.token})
        if lang == "en":
            english = Words(sent.get_data(as_text=True))
        else:
            welsh = Words(sent.get_data(as_text=True))
    assert welsh.error_summary
    left |= untranslated(welsh_app, english, welsh, {f"“{worrying}”"})
    if left:
        problems["check-you-are-safe"] = left
    assert not problems, "\n".join(f"{url}: {sorted(words)}" for url, words in problems.items())


def test_coming_back_from_a_welsh_link_is_in_welsh(welsh_app: Flask) -> None:
    """Saved in Welsh: the email and the link are in Welsh, and so are the question,
    its errors, the code page and the wrong-answer message."""
    client = welsh_app.test_client()
    client.get("/?lang=cy")
    journey = Journey(client, "complaint")
    answers = answers_for("complaint", "parent")
    step = "who-are-you"
    while step != "what-happened":
        step = journey.answer(step, answers[step])
    response = client.post(
        "/make-a-complaint/save-for-later",
        data={
            "csrf_token": journey.token,
            "email": "alex@example.com",
            "question": "first_pet",
            "answer": "Biscuit",
        },
    )
    assert response.status_code == 200
    from portal.extensions import db
    from portal.models import OutboxMessage

    (message,) = db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.purpose == "save_return_link")
    )
    text, _html = outbox.render(message)  # as the worker will send it
    assert "?lang=cy" in text
    link = re.search(r"(/continue/[\w-]+)\?lang=cy", text).group(1)  # type: ignore[union-attr]
    assert "carry on" not in message.subject.lower()

    later = browser(welsh_app)
    problems = {}
    for url in (link, f"{link}?by=code"):
        left = untranslated(welsh_app, read(later, url, "en"), read(later, url, "cy"))
        if left:
            problems[url] = left
    english_wrong = later.post(
        f"{link}?lang=en",
        data={
            "csrf_token": Words(later.get(link).get_data(as_text=True)).csrf_token,
            "answer": "wrong",
        },
    )
    welsh_wrong = later.post(
        f"{link}?lang=cy",
        data={
            "csrf_token": Words(later.get(link).get_data(as_text=True)).csrf_token,
            "answer": "wrong",
        },
    )
    left = untranslated(
        welsh_app,
        Words(english_wrong.get_data(as_text=True)),
        Words(welsh_wrong.get_data(as_text=True)),
    )
    if left:
        problems["wrong answer"] = left
    assert not problems, problems


@pytest.mark.parametrize("role", ["parent", "child"])
def test_the_feedback_questionnaire_is_in_welsh(welsh_app: Flask, role: str) -> None:
    """After a complaint closes: the tracking page's invitation, the questionnaire (an
    adult's or a child's words) empty and with every error, the thanks, and the link
    once used: nothing left in English."""
    from backoffice_helpers import new_complaint

    from portal.domain.types import SubmitterRole
    from portal.extensions import db
    from portal.models import Correspondence, OutboxMessage
    from portal.services import feedback

    case = new_complaint(role=SubmitterRole(role), email="sam@example.com")
    feedback.invite(case)
    db.session.commit()
    body = db.session.scalars(db.select(Correspondence.body)).one()
    link = re.search(r"/feedback/[\w-]+", body).group(0)  # type: ignore[union-attr]
    email = db.session.scalars(
        db.select(OutboxMessage.text_body).where(OutboxMessage.purpose == "correspondence")
    ).one()
    track = re.search(r"/track/\S+", email).group(0)  # type: ignore[union-attr]

    # The message on the tracking page is kept in the language the case is in (English),
    # a paragraph at a time.
    kept = {re.sub(r"\s+", " ", paragraph).strip() for paragraph in body.split("\n\n")}
    client = browser(welsh_app)
    problems = {}
    for url in (track, link):
        left = untranslated(welsh_app, read(client, url, "en"), read(client, url, "cy"), kept)
        if left:
            problems[url] = left
    sent = {}
    for language in ("en", "cy"):
        token = Words(client.get(f"{link}?lang={language}").get_data(as_text=True)).csrf_token
        sent[language] = Words(client.post(link, data={"csrf_token": token}).get_data(as_text=True))
    assert sent["cy"].error_summary
    left = untranslated(welsh_app, sent["en"], sent["cy"])
    if left:
        problems["errors"] = left
    token = Words(client.get(link).get_data(as_text=True)).csrf_token
    answers = dict.fromkeys(("easy", "informed", "on_time", "respect", "satisfied"), "4")
    thanked = client.post(link, data={"csrf_token": token, **answers})
    assert thanked.status_code == 302
    for url in (thanked.location, link, track):
        left = untranslated(welsh_app, read(client, url, "en"), read(client, url, "cy"), kept)
        if left:
            problems[f"after answering: {url}"] = left
    assert not problems, "\n".join(f"{url}: {sorted(words)}" for url, words in problems.items())


def test_the_language_switch_is_on_every_public_page_and_keeps_the_page(welsh_app: Flask) -> None:
    client = welsh_app.test_client()
    journey = Journey(client, "complaint")
    journey.answer("who-are-you", {"role": "parent"})
    for url in ("/", journey.url("about-the-child"), "/no-such-page"):
        english = page_of(client.get(f"{url}?lang=en"))
        (switch,) = [a for a in english.find_all("a") if a.attrs.get("hreflang") == "cy"]
        assert switch.text.endswith("Cymraeg")
        welsh = page_of(client.get(urljoin(url, switch.attrs["href"])))
        assert welsh.find_all("html")[0].attrs["lang"] == "cy"
        (back,) = [a for a in welsh.find_all("a") if a.attrs.get("hreflang") == "en"]
        assert urljoin(url, back.attrs["href"]) == f"{url}?lang=en"
    # What was typed is still there after switching.
    journey.answer("about-the-child", answers_for("complaint", "parent")["about-the-child"])
    page = page_of(client.get(journey.url("about-the-child") + "?lang=cy"))
    assert page.value_of("child_name") == "Sam Taylor"


def test_without_welsh_turned_on_there_is_no_switch_and_lang_cy_is_ignored(app: Flask) -> None:
    app.config["WELSH_ENABLED"] = False
    client = app.test_client()
    page = page_of(client.get("/?lang=cy"))
    assert page.find_all("html")[0].attrs["lang"] == "en"
    assert not [a for a in page.find_all("a") if a.attrs.get("hreflang")]


def test_the_back_office_stays_in_english_and_has_no_switch(welsh_app: Flask) -> None:
    from backoffice_helpers import sign_in_as_manager

    client = welsh_app.test_client()
    client.get("/?lang=cy")
    sign_in_as_manager(client)
    page = page_of(client.get("/staff/"))
    assert page.find_all("html")[0].attrs["lang"] == "en"
    assert "Triage queue" in page.text
    assert not [a for a in page.find_all("a") if a.attrs.get("hreflang")]


# --- what we send them later -------------------------------------------------------------


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


def send_complaint(app: Flask, language: str, role: str) -> None:
    client = browser(app)
    client.get(f"/?lang={language}")
    Journey(client, "complaint").complete(role)


def test_the_acknowledgement_is_in_the_language_the_complaint_was_made_in(
    welsh_app: Flask, smtp: SmtpServer
) -> None:
    welsh_app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    mail.init_app(welsh_app)
    send_complaint(welsh_app, "en", "parent")
    send_complaint(welsh_app, "cy", "parent")
    send_complaint(welsh_app, "cy", "child")
    from journey_helpers import submissions

    assert [s.language for s in submissions()] == ["en", "cy", "cy"]
    while outbox.work_once().sent:
        pass
    to_person = [m for m in smtp.inbox.to("alex@example.com")]
    assert len(to_person) == 3
    english, welsh_adult, welsh_child = sorted(to_person, key=lambda m: m.portal_id)

    def lines(received) -> set[str]:  # type: ignore[no-untyped-def]
        text = received.text + "\n" + html.unescape(re.sub(r"<[^>]+>", "\n", received.html))
        return {line.strip() for line in text.splitlines() if re.search(r"[A-Za-z]{2,}", line)}

    for welsh in (welsh_adult, welsh_child):
        assert welsh.subject != english.subject
        assert "cyfeirnod" in welsh.subject.lower()
        same = lines(english) & lines(welsh)
        same -= allowed_same(welsh_app, {"Alex Morgan"})
        same = {line for line in same if not re.fullmatch(r"https?://\S+", line)}
        assert not same, sorted(same)
        assert re.search(r"/track/\S+\?lang=cy", welsh.text)
    assert "?lang=cy" not in english.text
    # The staff's copy of each Welsh complaint is in English.
    for team_note in smtp.inbox.messages():
        if "alex@example.com" not in team_note.recipients:
            assert "New complaint" in team_note.subject or "Advocacy request" in team_note.subject


def test_the_tracking_page_from_a_welsh_acknowledgement_opens_in_welsh(
    welsh_app: Flask, smtp: SmtpServer
) -> None:
    welsh_app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    mail.init_app(welsh_app)
    send_complaint(welsh_app, "cy", "parent")
    while outbox.work_once().sent:
        pass
    (acknowledgement,) = smtp.inbox.to("alex@example.com")
    found = re.search(r"https?://[^/\s]+(/track/\S+)\?lang=cy", acknowledgement.text)
    assert found, acknowledgement.text
    someone = browser(welsh_app)
    welsh = Words(someone.get(found.group(1) + "?lang=cy").get_data(as_text=True))
    assert welsh.find_all("html")[0].attrs["lang"] == "cy"
    english = read(someone, found.group(1), "en")
    assert not untranslated(welsh_app, english, welsh)


def test_the_acknowledgement_letter_is_in_the_language_the_person_wrote_in(
    welsh_app: Flask,
) -> None:
    from backoffice_helpers import sign_in_as_manager
    from journey_helpers import only_submission

    client = browser(welsh_app)
    client.get("/?lang=cy")
    Journey(client, "complaint").complete(
        "parent",
        contact={
            "name": "Alex Morgan",
            "contact_preference": "post",
            "address": "1 Stryd Fawr, Aberystwyth",
            "postcode": "SY23 1AA",
            "safe_to_contact": "letters",
        },
    )
    case = only_submission()
    assert case.language == "cy"
    staff = browser(welsh_app)
    sign_in_as_manager(staff)
    letter = page_of(staff.get(f"/staff/cases/{case.reference}/acknowledgement-letter"))
    assert letter.find_all("html")[0].attrs["lang"] == "cy"
    assert "Annwyl Alex Morgan" in letter.text
    assert "Dear" not in letter.text
