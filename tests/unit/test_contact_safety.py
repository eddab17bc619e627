"""Which ways of reaching a person are safe (portal/domain/contact_safety.py): what the
form's answer means, what staff are told not to do, and the task that says how to reach
someone without email, down to saying plainly when no safe way is left."""

from datetime import date

import pytest

from portal.domain.contact_safety import (
    NOT_ASKED,
    ContactSafety,
    acknowledge_task,
    explain_advocacy_task,
    from_answer,
    send_task,
)

DUE = date(2025, 12, 24)
EVERY_WAY = ContactSafety(phone=True, voicemail=True, letters=True)


def test_a_voicemail_is_never_safe_when_a_call_is_not() -> None:
    assert from_answer(["voicemail", "letters"]) == ContactSafety(False, False, True)
    assert from_answer(["none"]) == ContactSafety(False, False, False)
    assert from_answer(["phone", "voicemail"]) == ContactSafety(True, True, False)


def test_staff_are_told_each_thing_not_to_do() -> None:
    assert ContactSafety(False, False, False).warnings() == [
        "Do not phone",
        "Do not leave voicemail",
        "Do not send letters",
    ]
    assert EVERY_WAY.warnings() == []
    # Not asked (a case from before the question): nothing ruled out, as before.
    assert NOT_ASKED.warnings() == [] and not NOT_ASKED.asked


@pytest.mark.parametrize(
    ("safety", "has_phone", "words"),
    [
        (EVERY_WAY, True, "Acknowledge by phone or letter by Wednesday 24 December 2025"),
        (EVERY_WAY, False, "Acknowledge by letter by Wednesday 24 December 2025"),
        (
            ContactSafety(True, False, False),
            True,
            "Acknowledge by phone by Wednesday 24 December 2025 "
            "(do not leave voicemail, do not send letters)",
        ),
        (
            ContactSafety(False, False, True),
            True,
            "Acknowledge by letter by Wednesday 24 December 2025 "
            "(do not phone, do not leave voicemail)",
        ),
        (
            ContactSafety(True, True, False),
            False,
            "Acknowledge by Wednesday 24 December 2025: NO SAFE WAY to reach them (no email "
            "address, no phone number, do not send letters). Agree a safe way with the "
            "complaints manager, for example through their advocate or a professional they "
            "named",
        ),
    ],
)
def test_the_acknowledgement_task_names_only_the_safe_ways(
    safety: ContactSafety, has_phone: bool, words: str
) -> None:
    assert acknowledge_task(safety, has_phone=has_phone, has_address=True, due=DUE) == words


def test_with_letters_safe_but_no_address_the_acknowledgement_task_asks_for_one() -> None:
    only_letters = ContactSafety(False, False, True)
    words = acknowledge_task(only_letters, has_phone=True, has_address=False, due=DUE)
    assert words.startswith("Acknowledge by letter by Wednesday 24 December 2025: no postal ")
    assert "ask for one" in words and words.endswith("(do not phone, do not leave voicemail)")
    # A phone call, where it is safe, is offered instead of a letter with nowhere to go.
    assert acknowledge_task(EVERY_WAY, has_phone=True, has_address=False, due=DUE) == (
        "Acknowledge by phone by Wednesday 24 December 2025"
    )


def task(safety: ContactSafety, *, has_address: bool = True) -> tuple[str, str]:
    """How a message "Your meeting" to a complainant with a phone number is delivered."""
    reach = send_task(
        safety,
        recipient="complainant",
        subject="Your meeting",
        has_phone=True,
        has_address=has_address,
    )
    return reach.how, reach.words


def test_a_message_goes_by_post_by_phone_or_nowhere_as_is_safe() -> None:
    assert task(EVERY_WAY) == ("post", "Send by post to the complainant: Your meeting")
    assert task(ContactSafety(True, True, False)) == (
        "phone",
        "Phone the complainant to tell them about it (do not send letters): Your meeting",
    )
    assert task(ContactSafety(False, False, False))[0] == "none"


def test_by_post_is_offered_only_with_an_address_to_post_to() -> None:
    assert task(EVERY_WAY, has_address=False)[0] == "phone"
    how, words = task(ContactSafety(False, False, True), has_address=False)
    assert how == "no_address"
    assert words.startswith("Not sent yet: no postal address is held: ask for one")
    assert words.endswith("(do not phone, do not leave voicemail): Your meeting")
    assert "Send by post" not in words


def test_explaining_advocacy_carries_what_not_to_do() -> None:
    words = explain_advocacy_task(ContactSafety(False, False, True), child=False, due=DUE)
    assert words == (
        "Explain advocacy by Wednesday 24 December 2025: they were not sure whether the child "
        "wants an advocate. Tell them what an advocate does and ask again, then update "
        "advocacy (do not phone, do not leave voicemail)"
    )
