"""What the person sends from the tracking page, and staff's decision on it, when the
same request arrives more than once at the same instant (a double click, a resubmit,
the portal's outside checks) or two different ones do. Each test prepares its requests,
then sends them from threads released together by a barrier, each in an application
context of its own (its own database session and transaction, as in gunicorn's workers),
on the real database (SQLite, or PostgreSQL with DATABASE_URL). The rules hold only if
the database decides them (docs/security.md, "Races")."""

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from backoffice_helpers import browser, date_parts, look, make_staff, read, sign_in
from flask import Flask
from flask.testing import FlaskClient
from test_complainant_steps import a_case, responded, the_case, track
from test_races import at_once, same_browser, slow_down
from werkzeug.test import TestResponse

from portal.domain.access import Role
from portal.domain.clock import add_working_days, london_date
from portal.extensions import db
from portal.models import AuditEvent, ComplainantStep, OutboxMessage, Task
from portal.services import complainant_steps, safeguarding


@pytest.fixture(autouse=True)
def _slow_danger_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading what they wrote for danger takes a little longer, as on a busy server: the
    requests overlap every time, not most times."""
    slow_down(monkeypatch, safeguarding, "assess_later")


def today() -> date:
    return london_date(datetime.now(UTC))


def answered_today() -> str:
    """A complaint answered at stage 1 today: stage 2 may be asked for, in time."""
    reference = a_case(on=today().replace(day=1))
    responded(reference, today())
    return reference


def the_form(client: FlaskClient, url: str) -> dict[str, str]:
    """The form page's own hidden fields (the CSRF token, the form's key)."""
    page = look(client, url)
    return {
        e.attrs["name"]: e.attrs.get("value", "")
        for e in page.find_all("input")
        if e.attrs.get("type") == "hidden" and e.attrs.get("name")
    }


def count(model: type, *where: object) -> int:
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)))


def staff_told() -> int:
    return count(OutboxMessage, OutboxMessage.purpose == "from_complainant")


def audited(action: str) -> int:
    return count(AuditEvent, AuditEvent.action == action)


# What each step's form sends, filled in.
STEPS = {
    "reply": ("reply", {"text": "Tuesday works for me."}),
    "information": ("add-information", {"text": "The letter was dated 3 March."}),
    "more_time": (
        "more-time",
        {"what_for": "stage2_decision", "text": "Two weeks: I am talking to my advocate."},
    ),
    "withdraw": ("withdraw", {"reason": "It is sorted now.", "confirm": "yes"}),
    "stage2": ("ask-for-stage-2", {"reasons": "The reply did not answer my main point."}),
}


def sent_from_one_form(
    app: Flask, reference: str, kind: str, times: int
) -> tuple[FlaskClient, str, list[TestResponse]]:
    """One form page, opened once and sent `times` times at the same instant."""
    client = browser(app)
    path, data = STEPS[kind]
    url = f"{track(reference)}/{path}"
    form = {**the_form(client, url), **data}
    tabs = [same_browser(app, client) for _ in range(times)]
    return client, url, at_once([lambda tab=tab: tab.post(url, data=form) for tab in tabs])


@pytest.mark.parametrize("kind", list(STEPS))
def test_one_form_sent_three_times_at_once_is_kept_once_and_all_three_see_its_confirmation(
    app: Flask, kind: str
) -> None:
    reference = answered_today()

    client, _, answers = sent_from_one_form(app, reference, kind, 3)

    assert [answer.status_code for answer in answers] == [302] * 3
    (step,) = db.session.scalars(sa.select(ComplainantStep)).all()
    assert {answer.location for answer in answers} == {f"{track(reference)}/sent/{step.id}"}
    assert step.kind == kind
    assert look(client, answers[0].location).title.startswith("We have your")
    assert count(Task, Task.kind == "from_complainant") == 1
    assert staff_told() == 1
    assert audited(f"from_complainant_{kind}") == 1


def test_the_forms_key_alone_keeps_one_step_if_nothing_waited_on_the_case(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Were the case's lock ever missed, the database's unique key on the form's key
    still refuses the second step, and the second sender is shown the first."""
    monkeypatch.setattr(complainant_steps, "lock_case", lambda case: None)
    reference = answered_today()

    _, _, answers = sent_from_one_form(app, reference, "reply", 3)

    assert [answer.status_code for answer in answers] == [302] * 3
    assert len({answer.location for answer in answers}) == 1
    assert count(ComplainantStep) == 1 and staff_told() == 1
    assert count(Task, Task.kind == "from_complainant") == 1


def test_stage_2_asked_for_twice_at_once_is_one_request_on_the_case(app: Flask) -> None:
    reference = answered_today()

    client, _, answers = sent_from_one_form(app, reference, "stage2", 2)

    assert [answer.status_code for answer in answers] == [302, 302]
    case = the_case(reference)
    assert case.case.stage == "stage2"
    assert case.stage_row("stage2").requested_on == today()
    assert audited("move:request_stage2") == 1
    due = add_working_days(today(), 25)
    for answer in answers:
        assert "Your complaint is now at stage 2" in look(client, answer.location).text
    assert case.case.next_due_on == due


def test_a_form_sent_again_after_back_shows_what_was_already_kept(app: Flask) -> None:
    """The same form sent again later (the browser's resubmit), and the page read again
    after Back (a new key) sent with the same words: each is the first one again."""
    reference = answered_today()
    client = browser(app)
    url = f"{track(reference)}/ask-for-stage-2"
    form = {**the_form(client, url), **STEPS["stage2"][1]}
    first = client.post(url, data=form)

    again = client.post(url, data=form)
    read_again = client.post(url, data={**form, "form_key": "a-new-page-made-after-back"})

    assert first.status_code == again.status_code == read_again.status_code == 302
    assert first.location == again.location == read_again.location
    assert count(ComplainantStep) == 1 and staff_told() == 1
    assert audited("move:request_stage2") == 1
    # The form opened again after Back says what happened, not "page not found".
    page = look(client, url)
    assert page.title.startswith("You have already asked for stage 2")


def test_different_words_are_two_replies_even_at_the_same_instant(app: Flask) -> None:
    reference = answered_today()
    people = [browser(app) for _ in range(2)]
    url = f"{track(reference)}/reply"
    forms = [
        {**the_form(person, url), "text": f"Reply number {n}."} for n, person in enumerate(people)
    ]

    answers = at_once(
        [
            lambda person=person, form=form: person.post(url, data=form)
            for person, form in zip(people, forms, strict=True)
        ]
    )

    assert [answer.status_code for answer in answers] == [302, 302]
    assert len({answer.location for answer in answers}) == 2
    assert count(ComplainantStep) == 2 and staff_told() == 2


def test_withdraw_and_stage_2_at_the_same_instant_both_land_or_stage_2_is_told_why(
    app: Flask,
) -> None:
    reference = answered_today()
    client = browser(app)
    requests: list[Callable[[], TestResponse]] = []
    for kind in ("withdraw", "stage2"):
        path, data = STEPS[kind]
        url = f"{track(reference)}/{path}"
        form = {**the_form(client, url), **data}
        tab = same_browser(app, client)
        requests.append(lambda tab=tab, url=url, form=form: tab.post(url, data=form))

    withdrew, asked = at_once(requests)

    assert withdrew.status_code == 302
    assert look(client, withdrew.location).title.startswith("We have your request to stop")
    steps = {step.kind for step in db.session.scalars(sa.select(ComplainantStep))}
    case = the_case(reference)
    if asked.status_code == 302:  # stage 2 first: recorded, and the withdrawal waits for staff
        assert steps == {"withdraw", "stage2"}
        assert case.case.stage == "stage2"
    else:  # the withdrawal first: stage 2 is no longer offered, and the page says why
        assert asked.status_code == 200
        assert read(asked).title.startswith("You have already asked to stop")
        assert steps == {"withdraw"}
        assert case.case.stage == "stage1"
    assert staff_told() == len(steps)


# --- staff decide -------------------------------------------------------------------------


def a_withdrawal_to_decide(app: Flask) -> tuple[str, str]:
    reference = a_case()
    sent = complainant_steps.withdraw(the_case(reference), "It is sorted now.")
    url = f"/staff/cases/{reference}/from-them/{sent.step.id}"
    db.session.remove()
    return reference, url


def test_a_decision_pressed_twice_at_once_is_recorded_once(app: Flask) -> None:
    reference, url = a_withdrawal_to_decide(app)
    staff = browser(app)
    sign_in(staff, make_staff(Role.MANAGER))
    form = {**the_form(staff, url), "decision": "granted"}
    presses = [same_browser(app, staff) for _ in range(3)]

    answers = at_once([lambda press=press: press.post(url, data=form) for press in presses])

    assert [answer.status_code for answer in answers] == [302] * 3
    assert {answer.location for answer in answers} == {f"/staff/cases/{reference}"}
    case = the_case(reference)
    assert case.case.stage == "closed" and case.case.withdrawn_on == today()
    assert audited("from_complainant_decided") == 1
    assert audited("move:withdraw") == 1


def test_two_people_deciding_at_once_one_records_and_the_other_is_told(app: Flask) -> None:
    reference, url = a_withdrawal_to_decide(app)
    people = [browser(app) for _ in range(2)]
    for n, person in enumerate(people):
        sign_in(person, make_staff(Role.MANAGER, email=f"manager{n}@northmoor.example"))
    forms = [
        {**the_form(people[0], url), "decision": "granted"},
        {**the_form(people[1], url), "decision": "refused", "note": "They phoned to carry on."},
    ]

    answers = at_once(
        [
            lambda person=person, form=form: person.post(url, data=form)
            for person, form in zip(people, forms, strict=True)
        ]
    )

    assert sorted(answer.status_code for answer in answers) == [200, 302]
    (told,) = [read(answer) for answer in answers if answer.status_code == 200]
    (_, why), *_ = told.error_summary
    assert why.startswith("This has already been dealt with") or why.startswith(
        "Someone else changed this case"
    )
    assert audited("from_complainant_decided") == 1
    step = db.session.scalar(sa.select(ComplainantStep))
    assert step is not None
    case = the_case(reference)
    assert (case.case.stage == "closed") == (step.decision == "granted")


def test_staff_recording_a_withdrawal_as_the_person_asks_for_stage_2_never_fails(
    app: Flask,
) -> None:
    """Staff save the case as the person's request lands on it: whichever is first, the
    other is told (the case changed; the case is closed), never an error page."""
    reference = answered_today()
    staff = browser(app)
    sign_in(staff, make_staff(Role.MANAGER))
    move = f"/staff/cases/{reference}/move/withdraw"
    staff_form = {**the_form(staff, move), "on": date_parts(today())}
    person = browser(app)
    path, data = STEPS["stage2"]
    url = f"{track(reference)}/{path}"
    person_form = {**the_form(person, url), **data}

    recorded, asked = at_once(
        [lambda: staff.post(move, data=staff_form), lambda: person.post(url, data=person_form)]
    )

    case = the_case(reference)
    if asked.status_code == 302:  # the request first: staff are told the case changed
        assert case.case.stage == "stage2"
        assert recorded.status_code == 200
        assert read(recorded).error_summary[0][1].startswith("Someone else changed this case")
    else:  # the withdrawal first: the person is told the case is closed
        assert recorded.status_code == 302 and case.case.stage == "closed"
        assert asked.status_code == 200
        assert read(asked).title.startswith("Your case is closed")
        assert count(ComplainantStep) == 0
