"""Teams in children's services (domain.md, "Teams children's complaints go to")."""

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Team

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
DEFAULT_CATEGORIES = [
    ("legislation", "About legislation"),
    ("policy", "About policy"),
    ("confidentiality", "Breach of confidentiality"),
    ("broken_promise", "Broken promise or appointment"),
    ("delay_failed_service", "Delay or failed service"),
    ("denial_change_service", "Denial, withdrawal or change of service"),
    ("information", "Lack of or incorrect information"),
    ("not_to_standard", "Not to standard"),
    ("staff_attitude", "Staff attitude or conduct"),
    ("other", "Other"),
]


def load_default_categories() -> int:
    from portal.models import Category

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
