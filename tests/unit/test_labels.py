"""Every value a case can hold has words, one place names them (portal/domain/labels.py),
and the public's answers have Welsh too."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from portal.domain import labels
from portal.domain.channels import Channel
from portal.domain.flags import Flag
from portal.domain.referrals import Outcome as ReferralOutcome
from portal.domain.referrals import Source as ReferralSource
from portal.domain.referrals import Status as ReferralStatus
from portal.domain.stages import Move, ReopenReason, Stage
from portal.domain.timescales import Procedure
from portal.domain.types import (
    AdvocacyAnswer,
    ChildAgreement,
    ChildTopic,
    ContactPreference,
    Kind,
    SubmitterRole,
    SupportNeed,
    WhenItHappened,
)

WELSH = Path(__file__).resolve().parents[2] / "portal/translations/cy/LC_MESSAGES/messages.po"
CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")

# Each kind of value, and every value the models and forms can hold.
EVERY_VALUE = {
    "kind": list(Kind),
    "submitter_role": list(SubmitterRole),
    "role_answer": list(SubmitterRole),
    "stage": [stage.value for stage in Stage],
    "procedure": list(Procedure),
    "contact_preference": list(ContactPreference),
    "child_topic": list(ChildTopic),
    "child_agreement": list(ChildAgreement),
    "when_it_happened": list(WhenItHappened),
    "support_need": list(SupportNeed),
    "advocacy_answer": list(AdvocacyAnswer),
    "flag": list(Flag),
    "reply_preference": ["through_me", "through_advocate", "meeting", "not_sure"],
    "finding": ["upheld", "partially_upheld", "not_upheld", "no_finding"],
    "outcome": ["upheld", "partially_upheld", "not_upheld", "no_finding", "withdrawn"]
    + ["resolved_informally"],
    "ombudsman_decision": ["upheld", "not_upheld", "not_investigated", "premature"],
    "advocacy_status": ["offered", "requested", "accepted", "declined", "assigned", "has_advocate"],
    "acknowledged_how": ["phone", "letter", "email", "text", "in_person"],
    "enquiry_from": ["mp", "councillor"],
    "more_time_for": ["send_something", "stage2_decision"],
    "from_them_decision": ["granted", "refused", "done"],
    "maladministration_found": [True, False],
    "injustice_found": [True, False],
    "channel": list(Channel),
    "pause_reason": ["advocate", "complainant", "other"],
    "clock_event": ["started", "paused", "restarted", "extended", "stopped", "recomputed", "done"],
    "clock": ["triage", "stage1", "stage2", "stage3"],
    "move": list(Move),
    "reopen_reason": list(ReopenReason),
    "ending": ["closed", "withdrawn", "resolved_informally"],
    "referral_source": list(ReferralSource),
    "referral_status": list(ReferralStatus),
    "referral_outcome": list(ReferralOutcome),
    "search_field": ["reference", "name", "email", "phone", "postcode", "child_date_of_birth"]
    + ["words"],
    "consent_given_by": ["child_form", "staff", "advocate"],
    "consent_withdrawn_by": ["child", "advocate", "staff"],
}


@pytest.mark.parametrize("kind", sorted(EVERY_VALUE))
def test_every_value_of_each_kind_has_its_own_words(kind: str) -> None:
    for value in EVERY_VALUE[kind]:
        assert str(value) in labels.LABELS[kind], f"{kind}: {value} has no words"
        words = labels.label(kind, value)
        assert words and not CODE.search(words), f"{kind}: {value} -> {words!r}"


def test_every_kind_of_value_is_checked_here() -> None:
    assert set(labels.LABELS) - {"field"} == set(EVERY_VALUE)


def test_the_publics_answers_have_welsh() -> None:
    with WELSH.open("rb") as po:
        catalogue = read_po(po)
    missing = [
        words
        for kind in sorted(labels.PUBLIC)
        for words in labels.LABELS[kind].values()
        if not (catalogue.get(words) and catalogue.get(words).string)
    ]
    assert not missing, missing


def test_a_value_no_mapping_names_is_still_shown_in_words() -> None:
    assert labels.label("when_it_happened", "some_day_soon") == "Some day soon"
    assert labels.label("flag", "filed_by_advocate") == "Filed by advocate"
    assert labels.words("stage2") == "Stage2"


def test_no_value_has_no_words() -> None:
    assert labels.label("stage", None) == ""
    assert labels.label("stage", "") == ""


def test_a_known_value_has_the_words_the_person_chose() -> None:
    assert labels.label("when_it_happened", "still_happening") == "It is still happening"
    assert labels.label("child_agreement", "not_sure") == "I'm not sure"
    assert labels.label("advocacy_answer", "filed_by_advocate") == "Sent by their advocate"
