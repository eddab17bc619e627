"""What a delivery receipt means, and who each message is for (portal/domain/delivery.py).

Every purpose the code gives the outbox must say who the message is for, so that a
message to the person that never arrives gives staff a task: the test below reads every
`outbox.queue(purpose=...)` in the portal's code and fails on a purpose not classified.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from portal.domain import delivery
from portal.domain.delivery import Audience, DeliveryStatus

PORTAL = Path(__file__).resolve().parents[2] / "portal"


def _module_constants(tree: ast.Module) -> dict[str, list[str]]:
    """NAME = "text" and NAME = {key: "text", ...} at the top of a module."""
    found: dict[str, list[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if not isinstance(target, ast.Name):
                continue
            if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                found[target.id] = [node.value.value]
            elif isinstance(node.value, ast.Dict):
                texts = [
                    v.value
                    for v in node.value.values
                    if isinstance(v, ast.Constant) and isinstance(v.value, str)
                ]
                if texts:
                    found[target.id] = texts
    return found


def _calls_of(tree: ast.Module, function: str) -> Iterator[ast.Call]:
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == function
        ):
            yield node


def _parameter_values(tree: ast.Module, function: ast.FunctionDef, name: str) -> list[str]:
    """The texts given for parameter `name` of `function` wherever the module calls it."""
    names = [a.arg for a in function.args.args]
    position = names.index(name) if name in names else None
    values = []
    for call in _calls_of(tree, function.name):
        given = next((k.value for k in call.keywords if k.arg == name), None)
        if given is None and position is not None and position < len(call.args):
            given = call.args[position]
        if isinstance(given, ast.Constant) and isinstance(given.value, str):
            values.append(given.value)
        else:
            raise AssertionError(f"{function.name}({name}=...) is given something not a text")
    return values


def purposes_in_the_code() -> dict[str, str]:
    """Every purpose given to `outbox.queue` anywhere in portal/, and where."""
    found: dict[str, str] = {}
    for path in PORTAL.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = _module_constants(tree)
        functions = {
            f
            for f in ast.walk(tree)
            if isinstance(f, ast.FunctionDef)
            for node in ast.walk(f)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "queue"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "outbox"
        }
        for function in functions:
            for node in ast.walk(function):
                if not (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "queue"
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "outbox"
                ):
                    continue
                given = next(k.value for k in node.keywords if k.arg == "purpose")
                where = f"{path.relative_to(PORTAL.parent)}:{node.lineno}"
                if isinstance(given, ast.Constant) and isinstance(given.value, str):
                    texts = [given.value]
                elif isinstance(given, ast.Name) and given.id in constants:
                    texts = constants[given.id]
                elif isinstance(given, ast.Subscript) and isinstance(given.value, ast.Name):
                    texts = constants[given.value.id]
                elif isinstance(given, ast.Name):
                    texts = _parameter_values(tree, function, given.id)
                else:
                    raise AssertionError(f"{where}: a purpose this test cannot read")
                for text in texts:
                    found.setdefault(text, where)
    return found


def test_the_scan_finds_the_purposes_given_in_every_way() -> None:
    found = purposes_in_the_code()
    # A text, a module's constant, a dict's values, and a function's parameter.
    assert {
        "acknowledgement",
        "staff_password_link",
        "deadline_breach",
        "safeguarding_escalation",
    } <= set(found)


def test_every_purpose_the_outbox_is_given_says_who_it_is_for() -> None:
    unclassified = {
        purpose: where
        for purpose, where in purposes_in_the_code().items()
        if purpose not in delivery.PURPOSES
    }
    assert not unclassified, f"add these to PURPOSES in portal/domain/delivery.py: {unclassified}"


def test_every_classified_purpose_has_words_for_staff() -> None:
    assert set(delivery.PURPOSE_WORDS) == set(delivery.PURPOSES)


def test_a_purpose_nobody_classified_is_refused() -> None:
    with pytest.raises(delivery.UnknownPurpose, match="PURPOSES"):
        delivery.audience_of("birthday_card")


def test_messages_to_the_person_are_those_a_failure_must_be_followed_up_for() -> None:
    assert delivery.audience_of("acknowledgement") is Audience.PERSON
    assert delivery.audience_of("correspondence") is Audience.PERSON
    assert delivery.audience_of("team_notification") is Audience.STAFF
    assert delivery.audience_of("save_return_code") is Audience.PUBLIC


@pytest.mark.parametrize(
    ("notify", "status"),
    [
        ("delivered", DeliveryStatus.DELIVERED),
        ("permanent-failure", DeliveryStatus.PERMANENT_FAILURE),
        ("temporary-failure", DeliveryStatus.TEMPORARY_FAILURE),
        ("technical-failure", DeliveryStatus.TECHNICAL_FAILURE),
        ("validation-failed", DeliveryStatus.PERMANENT_FAILURE),
        ("created", None),
        ("sending", None),
        ("pending", None),
        ("accepted", None),
        ("received", None),
        ("something-new", None),
        (None, None),
    ],
)
def test_notifys_statuses_end_in_a_delivery_status_or_are_still_on_their_way(
    notify: object, status: DeliveryStatus | None
) -> None:
    assert delivery.status_of(notify) == status


def test_what_follows_each_status() -> None:
    assert delivery.needs_another_way(DeliveryStatus.PERMANENT_FAILURE)
    assert delivery.needs_another_way(DeliveryStatus.RETURNED_LETTER)
    assert not delivery.needs_another_way(DeliveryStatus.TEMPORARY_FAILURE)
    assert not delivery.needs_another_way(DeliveryStatus.TECHNICAL_FAILURE)
    assert delivery.sent_again_by_itself(DeliveryStatus.TECHNICAL_FAILURE)
    assert not delivery.sent_again_by_itself(DeliveryStatus.TEMPORARY_FAILURE)
    assert not delivery.is_failure(DeliveryStatus.DELIVERED)
    assert not delivery.is_failure(None)


def test_a_notification_that_failed_or_was_cancelled_never_arrived() -> None:
    for status in ("permanent-failure", "temporary-failure", "technical-failure", "cancelled"):
        assert delivery.never_arrived(status), status
    for status in ("delivered", "created", "sending", "accepted", None):
        assert not delivery.never_arrived(status), status


def test_the_reason_is_in_plain_words_for_the_channel() -> None:
    assert delivery.reason(DeliveryStatus.PERMANENT_FAILURE, "sms") == (
        "The number does not exist, or the phone has been switched off for days"
    )
    assert "email address does not exist" in delivery.reason(
        DeliveryStatus.PERMANENT_FAILURE, "email"
    )
    assert "returned" in delivery.reason(DeliveryStatus.RETURNED_LETTER, "letter")
    assert delivery.task_words(
        "acknowledgement", "sms", delivery.reason(DeliveryStatus.PERMANENT_FAILURE, "sms")
    ) == (
        "Reach them another way: the acknowledgement text message did not reach them "
        "(the number does not exist, or the phone has been switched off for days)"
    )
