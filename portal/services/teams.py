"""Teams in children's services (domain.md, "Teams children's complaints go to")."""

import re

import sqlalchemy as sa
from flask import current_app

from portal.domain import labels
from portal.domain.characters import compared
from portal.domain.types import NATIONAL_CATEGORIES
from portal.extensions import db
from portal.models import Category, RoutingRule, Staff, Team
from portal.services import audit
from portal.services.common import saved_unless_stale

# (name, what the public sees, a plain description, inbox, advocacy provider)
DEMO_TEAMS: list[tuple[str, str, str, str, bool]] = [
    (
        "First Response / Referral and Assessment",
        "First contact with children's services",
        "When someone first asked us for help, or we first checked on a child",
        "first.response@northmoor.example",
        False,
    ),
    (
        "Family Support and Child Protection",
        "A social worker helping a family",
        "Social workers who help children and families at home",
        "family.support@northmoor.example",
        False,
    ),
    (
        "Looked After Children",
        "Children in care",
        "Help for children who live with foster carers or in a children's home",
        "looked.after@northmoor.example",
        False,
    ),
    (
        "Leaving Care",
        "Leaving care",
        "Help for young people aged 16 to 25 who have been in care",
        "leaving.care@northmoor.example",
        False,
    ),
    (
        "Fostering",
        "Fostering",
        "Help and training for foster carers",
        "fostering@northmoor.example",
        False,
    ),
    (
        "Adoption",
        "Adoption",
        "Adoption and help after adoption",
        "adoption@northmoor.example",
        False,
    ),
    (
        "Children with Disabilities",
        "Children with disabilities",
        "Help for disabled children and their families",
        "disabilities@northmoor.example",
        False,
    ),
    (
        "Early Help",
        "Early help",
        "Help for families before problems get bigger",
        "early.help@northmoor.example",
        False,
    ),
    (
        "Advocacy provider (Coram Voice)",
        "Advocacy",
        "People who help children speak up",
        "advocacy@coramvoice.example",
        True,
    ),
]


# What the public sees, in Welsh (by the team's public name in English).
DEMO_TEAMS_WELSH: dict[str, tuple[str, str]] = {
    "First contact with children's services": (
        "Cysylltu \u00e2 gwasanaethau plant am y tro cyntaf",
        "Pan ofynnodd rhywun i ni am help am y tro cyntaf, neu pan wnaethon ni wirio bod "
        "plentyn yn iawn am y tro cyntaf",
    ),
    "A social worker helping a family": (
        "Gweithiwr cymdeithasol yn helpu teulu",
        "Gweithwyr cymdeithasol sy'n helpu plant a theuluoedd gartref",
    ),
    "Children in care": (
        "Plant mewn gofal",
        "Help i blant sy'n byw gyda gofalwyr maeth neu mewn cartref plant",
    ),
    "Leaving care": (
        "Gadael gofal",
        "Help i bobl ifanc 16 i 25 oed sydd wedi bod mewn gofal",
    ),
    "Fostering": ("Maethu", "Help a hyfforddiant i ofalwyr maeth"),
    "Adoption": ("Mabwysiadu", "Mabwysiadu, a help ar \u00f4l mabwysiadu"),
    "Children with disabilities": ("Plant anabl", "Help i blant anabl a'u teuluoedd"),
    "Early help": ("Help cynnar", "Help i deuluoedd cyn i broblemau fynd yn fwy"),
    "Advocacy": ("Eiriolaeth", "Pobl sy'n helpu plant i ddweud eu barn"),
}


def load_demo_teams() -> int:
    existing = set(db.session.scalars(sa.select(Team.name)))
    added = 0
    for order, (name, public_name, description, inbox, advocacy) in enumerate(DEMO_TEAMS):
        if name in existing:
            continue
        db.session.add(
            Team(
                name=name,
                public_name=public_name,
                public_description=description,
                public_name_cy=DEMO_TEAMS_WELSH.get(public_name, ("", ""))[0],
                public_description_cy=DEMO_TEAMS_WELSH.get(public_name, ("", ""))[1],
                inbox_email=inbox,
                is_advocacy_provider=advocacy,
                shown_to_public=not advocacy,
                sort_order=order,
            )
        )
        added += 1
    db.session.commit()
    return added


# domain.md, "Categories": the ten of a published scheme, editable by the manager.
DEFAULT_CATEGORIES = list(NATIONAL_CATEGORIES.items())


def load_default_categories() -> int:
    existing = set(db.session.scalars(sa.select(Category.slug)))
    added = 0
    for position, (slug, name) in enumerate(DEFAULT_CATEGORIES):
        if slug not in existing:
            db.session.add(Category(slug=slug, name=name, position=position))
            added += 1
    db.session.commit()
    return added


def all_teams(*, include_inactive: bool = True) -> list[Team]:
    query = sa.select(Team).order_by(Team.sort_order, Team.name)
    if not include_inactive:
        query = query.where(Team.is_active)
    return list(db.session.scalars(query))


# --- the complaints manager edits teams and categories -----------------------------------


class TeamError(ValueError):
    """A team or category that cannot be saved; the message says why, and `field` which
    of the form's answers it is about."""

    def __init__(self, message: str, field: str = "name") -> None:
        super().__init__(message)
        self.field = field


def _still_routed_to(team: Team, fields: dict[str, object]) -> None:
    """Refuse a change that would leave new submissions routed to a team that is no longer
    there: the default team renamed or made inactive (the settings name it), a team a
    child's answer points to renamed (CHILD_TOPIC_TEAMS names it), or a team an active
    routing rule sends to made inactive (the rule would still send to it)."""
    leaving = team.is_active and not fields.get("is_active", True)
    renamed = fields.get("name", team.name) != team.name
    if team.name == current_app.config["DEFAULT_TEAM_NAME"] and (leaving or renamed):
        raise TeamError(
            "New submissions that no rule matches go to this team by its name in the "
            "portal\u2019s settings (DEFAULT_TEAM_NAME): ask for the setting to be changed first",
            "name" if renamed else "is_active",
        )
    # A child's answer to "who is it about" names its team in the settings, too. A team
    # made inactive is one the council has closed: the answer goes where "not sure" goes.
    topics = [
        f"\u201c{labels.label('child_topic', topic)}\u201d"
        for topic, name in current_app.config["CHILD_TOPIC_TEAMS"].items()
        if name == team.name
    ]
    if topics and renamed:
        raise TeamError(
            (
                f"A child\u2019s answer {topics[0]} sends"
                if len(topics) == 1
                else f"A child\u2019s answers {', '.join(topics)} send"
            )
            + " new submissions to this team by its name in the portal\u2019s settings "
            "(CHILD_TOPIC_TEAMS): ask for the setting to be changed first",
        )
    if not leaving:
        return
    rules = list(
        db.session.scalars(
            sa.select(RoutingRule.name)
            .where(RoutingRule.team_id == team.id, RoutingRule.is_active)
            .order_by(RoutingRule.position, RoutingRule.id)
        )
    )
    if rules:
        named = ", ".join(f"\u201c{name}\u201d" for name in rules)
        raise TeamError(
            f"The routing rule {named} sends new submissions to this team: send it to "
            "another team or turn it off first"
            if len(rules) == 1
            else f"The routing rules {named} send new submissions to this team: send them "
            "to another team or turn them off first",
            "is_active",
        )


def _team_fields(team: Team) -> dict[str, object]:
    return {
        "name": team.name,
        "public_name": team.public_name,
        "public_description": team.public_description,
        "public_name_cy": team.public_name_cy,
        "public_description_cy": team.public_description_cy,
        "inbox_email": team.inbox_email,
        "manager_email": team.manager_email,
        "is_active": team.is_active,
        "shown_to_public": team.shown_to_public,
        "is_advocacy_provider": team.is_advocacy_provider,
        "response_working_days": team.response_working_days,
    }


class TeamChanged(TeamError):
    """Another manager saved the team since this one opened it."""

    def __init__(self) -> None:
        super().__init__(
            "Someone else changed this team while you were working on it. Nothing has been "
            "saved: check the team as it is now and save again."
        )


def save_team(
    fields: dict[str, object],
    *,
    staff: Staff,
    team_id: int | None = None,
    version: int | None = None,
) -> Team:
    """Add a team, or save the team `team_id` as its editor saw it at `version`: a copy
    another manager saved meanwhile is refused (TeamChanged, beside the name), here or, at
    the same instant, by the database."""
    name = str(fields["name"])
    clash = db.session.scalar(
        sa.select(Team.id).where(Team.name == name, Team.id != (team_id or 0))
    )
    if clash is not None:
        raise TeamError("There is already a team with that name")
    if team_id is None:
        last = db.session.scalar(sa.select(sa.func.max(Team.sort_order))) or 0
        team = Team(name=name, public_name=name, inbox_email="", sort_order=last + 1)
        db.session.add(team)
        before: dict[str, object] = {}
    else:
        found = db.session.get(Team, team_id)
        if found is None:
            raise LookupError("no such team")
        if found.version != version:
            raise TeamChanged()
        team = found
        before = _team_fields(team)
        _still_routed_to(team, fields)
        team.version = found.version + 1
    for key, value in fields.items():
        setattr(team, key, value)
    with saved_unless_stale(TeamChanged):
        db.session.flush()
    audit.record(
        "team_saved",
        staff=staff,
        detail={"team_id": team.id, "changes": audit.changes(before, _team_fields(team))},
    )
    db.session.commit()
    return team


def version_of(team_id: int) -> int | None:
    """The team's version as saved now (None: deleted)."""
    return db.session.scalar(sa.select(Team.version).where(Team.id == team_id))


def all_categories() -> list[Category]:
    return list(db.session.scalars(sa.select(Category).order_by(Category.position, Category.id)))


def _free_slug(name: str) -> str:
    """The category's key (in the report's figures, the import and the audit trail): its
    name in plain letters, at most 40, with a number after it when another category's
    name began the same way."""
    base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:40] or "category"
    used = set(
        db.session.scalars(sa.select(Category.slug).where(Category.slug.like(f"{base[:36]}%")))
    )
    slug, number = base, 1
    while slug in used:
        number += 1
        slug = f"{base[: 40 - len(str(number)) - 1]}_{number}"
    return slug


def save_category(
    *, name: str, is_active: bool, staff: Staff, category_id: int | None = None
) -> None:
    taken = [
        other
        for other_id, other in db.session.execute(sa.select(Category.id, Category.name))
        if other_id != category_id
    ]
    if compared(name) in {compared(other) for other in taken}:
        raise TeamError("There is already a category with that name")
    if category_id is None:
        last = db.session.scalar(sa.select(sa.func.max(Category.position))) or 0
        category = Category(
            slug=_free_slug(name), name=name, is_active=is_active, position=last + 1
        )
        db.session.add(category)
        before: dict[str, object] = {}
    else:
        found = db.session.get(Category, category_id)
        if found is None:
            raise LookupError("no such category")
        category = found
        before = {"name": category.name, "is_active": category.is_active}
        category.name = name
        category.is_active = is_active
    db.session.flush()
    audit.record(
        "category_saved",
        staff=staff,
        detail={
            "category_id": category.id,
            "changes": audit.changes(before, {"name": name, "is_active": is_active}),
        },
    )
    db.session.commit()
