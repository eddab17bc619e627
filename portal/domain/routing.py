"""Routing rules: which team a submission goes to and which procedure it follows.

Rules are data the complaints manager edits; this module only evaluates them. Rules are
tried in order and the first that matches wins; a default team catches the rest
(domain.md, "What goes through which procedure" and "Teams").
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from portal.domain.characters import compared
from portal.domain.timescales import Procedure


@dataclass(frozen=True)
class Rule:
    """Every condition that is set must hold; an empty condition matches anything."""

    id: int
    name: str
    team_id: int
    procedure: Procedure | None = None  # None: the statutory procedure of the jurisdiction
    kinds: frozenset[str] = field(default_factory=frozenset)
    chosen_team_ids: frozenset[int] = field(default_factory=frozenset)
    roles: frozenset[str] = field(default_factory=frozenset)
    age_min: int | None = None
    age_max: int | None = None
    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class Facts:
    """What a rule can look at. `chosen_team_id` None: the person was not sure."""

    kind: str
    role: str
    chosen_team_id: int | None
    child_age: int | None
    text: str


@dataclass(frozen=True)
class Routing:
    team_id: int | None
    procedure: Procedure
    rule_id: int | None  # None: no rule matched, the default team was used
    rule_name: str


def age_on(date_of_birth: date, on: date) -> int:
    years = on.year - date_of_birth.year
    return years - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))


def _mentions(text: str, words: Sequence[str]) -> bool:
    """Whether `text` has any of `words`, each a whole word or phrase, compared as typed
    anywhere (characters.compared: the manager's "foster carer's" is the person's "foster
    carer’s" wrapped onto a new line)."""
    read = compared(text)
    return any(
        re.search(rf"(?<!\w){re.escape(compared(word))}(?!\w)", read)
        for word in words
        if word.strip()
    )


def matches(rule: Rule, facts: Facts) -> bool:
    if rule.kinds and facts.kind not in rule.kinds:
        return False
    if rule.roles and facts.role not in rule.roles:
        return False
    if rule.chosen_team_ids and facts.chosen_team_id not in rule.chosen_team_ids:
        return False
    if rule.age_min is not None or rule.age_max is not None:
        if facts.child_age is None:
            return False
        if rule.age_min is not None and facts.child_age < rule.age_min:
            return False
        if rule.age_max is not None and facts.child_age > rule.age_max:
            return False
    return not rule.words or _mentions(facts.text, rule.words)


def route(
    rules: Sequence[Rule],
    facts: Facts,
    *,
    default_team_id: int | None,
    statutory: Procedure,
) -> Routing:
    for rule in rules:
        if matches(rule, facts):
            return Routing(rule.team_id, rule.procedure or statutory, rule.id, rule.name)
    team = facts.chosen_team_id if facts.chosen_team_id is not None else default_team_id
    reason = "The team the person chose" if facts.chosen_team_id else "The default team"
    return Routing(team, statutory, None, reason)
