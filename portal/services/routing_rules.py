"""Routing rules as data: the complaints manager edits them; intake applies them."""

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import current_app

from portal.domain.routing import Facts, Routing, age_on, route
from portal.domain.timescales import Procedure, statutory_procedure
from portal.extensions import db
from portal.models import Case, RoutingRule, Staff, Team
from portal.services import audit, routing_data
from portal.services.common import saved_unless_stale


def all_rules() -> list[RoutingRule]:
    return list(
        db.session.scalars(sa.select(RoutingRule).order_by(RoutingRule.position, RoutingRule.id))
    )


def default_team_id() -> int | None:
    team = routing_data.current().active_team_named(current_app.config["DEFAULT_TEAM_NAME"])
    return team.id if team is not None else None


def facts_for(
    *,
    kind: str,
    role: str,
    chosen_team_id: int | None,
    child_age: int | None,
    child_date_of_birth: date | None,
    text: str,
    on: date,
) -> Facts:
    age = age_on(child_date_of_birth, on) if child_date_of_birth else child_age
    return Facts(kind=kind, role=role, chosen_team_id=chosen_team_id, child_age=age, text=text)


def team_for_child_topic(topic: str | None) -> int | None:
    """The team a child's own answer to "who is it about" points to (CHILD_TOPIC_TEAMS,
    by the team's name), or None where it points nowhere: the rules and the default team
    decide, as for "not sure"."""
    name = current_app.config["CHILD_TOPIC_TEAMS"].get(topic or "")
    team = routing_data.current().active_team_named(name) if name else None
    return team.id if team is not None else None


def decide(facts: Facts) -> Routing:
    statutory = statutory_procedure(current_app.config["JURISDICTION"])
    return route(
        routing_data.current().rules,
        facts,
        default_team_id=default_team_id(),
        statutory=statutory,
    )


@dataclass
class RuleInput:
    name: str
    team_id: int
    procedure: str | None
    kinds: list[str]
    chosen_team_ids: list[int]
    roles: list[str]
    age_min: int | None
    age_max: int | None
    words: list[str]
    is_active: bool = True


def _fields(row: RoutingRule) -> dict[str, object]:
    return {
        "name": row.name,
        "team_id": row.team_id,
        "procedure": row.procedure,
        "kinds": list(row.kinds or []),
        "chosen_team_ids": list(row.chosen_team_ids or []),
        "roles": list(row.roles or []),
        "age_min": row.age_min,
        "age_max": row.age_max,
        "words": list(row.words or []),
        "is_active": row.is_active,
    }


class RuleChanged(RuntimeError):
    """Another manager saved the rule since this one opened it."""


RULE_CHANGED = (
    "Someone else changed this rule while you were working on it. Nothing has been saved: "
    "check the rule as it is now and save again."
)


def save_rule(
    data: RuleInput, *, staff: Staff, rule_id: int | None = None, version: int | None = None
) -> RoutingRule:
    """Add a rule, or save the rule `rule_id` as its editor saw it at `version`: a copy
    another manager saved meanwhile is refused (RuleChanged), here or, at the same
    instant, by the database."""
    if rule_id is None:
        last = db.session.scalar(sa.select(sa.func.max(RoutingRule.position))) or 0
        row = RoutingRule(position=last + 10, name=data.name, team_id=data.team_id)
        db.session.add(row)
        before: dict[str, object] = {}
    else:
        found = db.session.get(RoutingRule, rule_id)
        if found is None:
            raise LookupError("no such rule")
        if found.version != version:
            raise RuleChanged(RULE_CHANGED)
        row = found
        before = _fields(row)
        row.version = found.version + 1
    row.name = data.name
    row.team_id = data.team_id
    row.procedure = data.procedure or None
    row.kinds = data.kinds
    row.chosen_team_ids = data.chosen_team_ids
    row.roles = data.roles
    row.age_min = data.age_min
    row.age_max = data.age_max
    row.words = [w.strip() for w in data.words if w.strip()]
    row.is_active = data.is_active
    with saved_unless_stale(lambda: RuleChanged(RULE_CHANGED)):
        db.session.flush()
    audit.record(
        "routing_rule_saved",
        staff=staff,
        detail={"rule_id": row.id, "changes": audit.changes(before, _fields(row))},
    )
    db.session.commit()
    return row


def version_of(rule_id: int) -> int | None:
    """The rule's version as saved now (None: deleted)."""
    return db.session.scalar(sa.select(RoutingRule.version).where(RoutingRule.id == rule_id))


def move_rule(rule_id: int, direction: int, *, staff: Staff) -> None:
    """Move a rule one place up (-1) or down (+1): order decides which rule wins."""
    rules = all_rules()
    index = next((i for i, r in enumerate(rules) if r.id == rule_id), None)
    if index is None:
        raise LookupError("no such rule")
    other = index + direction
    if 0 <= other < len(rules):
        rules[index], rules[other] = rules[other], rules[index]
        for position, row in enumerate(rules):
            row.position = (position + 1) * 10
        audit.record(
            "routing_rule_moved", staff=staff, detail={"rule_id": rule_id, "direction": direction}
        )
        db.session.commit()


def delete_rule(rule_id: int, *, staff: Staff) -> None:
    row = db.session.get(RoutingRule, rule_id)
    if row is None:
        raise LookupError("no such rule")
    audit.record(
        "routing_rule_deleted", staff=staff, detail={"rule_id": rule_id, "rule": _fields(row)}
    )
    # Cases it routed keep the rule's name (routing_reason) and let go of its id, which
    # the foreign key would otherwise refuse to lose.
    db.session.execute(
        sa.update(Case)
        .where(Case.routing_rule_id == rule_id)
        .values(routing_rule_id=None)
        .execution_options(synchronize_session=False)
    )
    db.session.delete(row)
    db.session.commit()


# Demo rules in the spirit of domain.md: leaving care by age; child protection and court
# reports to the corporate procedure; the advocacy provider for advocacy requests.
DEMO_RULES: list[tuple[str, str, str | None, dict[str, Any]]] = [
    (
        "Requests for an advocate go to the advocacy provider",
        "Advocacy provider (Coram Voice)",
        None,
        {"kinds": ["advocacy"]},
    ),
    (
        "Child protection decisions follow the corporate procedure",
        "Family Support and Child Protection",
        Procedure.CORPORATE.value,
        {"words": ["child protection conference", "child protection plan", "section 47"]},
    ),
    (
        "Court reports follow the corporate procedure",
        "Family Support and Child Protection",
        Procedure.CORPORATE.value,
        {"words": ["court report", "section 7 report", "section 37"]},
    ),
    (
        "Young people aged 16 to 25 go to leaving care",
        "Leaving Care",
        None,
        {"age_min": 16, "age_max": 25},
    ),
]


def load_demo_rules() -> int:
    if db.session.scalar(sa.select(sa.func.count(RoutingRule.id))):
        return 0
    teams = {t.name: t.id for t in db.session.scalars(sa.select(Team))}
    for position, (name, team, procedure, conditions) in enumerate(DEMO_RULES):
        db.session.add(
            RoutingRule(
                position=(position + 1) * 10,
                name=name,
                team_id=teams[team],
                procedure=procedure,
                **conditions,
            )
        )
    db.session.commit()
    return len(DEMO_RULES)


def team_named(name: str) -> Team | None:
    return db.session.scalar(sa.select(Team).where(Team.name == name, Team.is_active))
