"""Which questions each public journey asks, and of whom (docs/journeys.md says why).

A journey is an ordered list of steps; a step is asked only when it applies to the
kind of submission and the person's role. Pure rules: the blueprint renders them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from portal.domain.advocacy import must_offer_advocate
from portal.domain.types import Kind, SubmitterRole

Rule = Callable[[Kind, SubmitterRole | None], bool]


@dataclass(frozen=True)
class Step:
    slug: str
    applies: Rule


def _always(kind: Kind, role: SubmitterRole | None) -> bool:
    return True


def _organisation(kind: Kind, role: SubmitterRole | None) -> bool:
    return role in (SubmitterRole.PROFESSIONAL, SubmitterRole.ADVOCATE)


def _about_the_child(kind: Kind, role: SubmitterRole | None) -> bool:
    # A compliment needs no child's details: we ask only for what we use.
    return kind is not Kind.COMPLIMENT and role is not SubmitterRole.CHILD


def _childs_age(kind: Kind, role: SubmitterRole | None) -> bool:
    # The age routes a child's case (16 to 25 often goes to leaving care).
    return kind is not Kind.COMPLIMENT and role is SubmitterRole.CHILD


def _files(kind: Kind, role: SubmitterRole | None) -> bool:
    # A letter or a photo can say what words cannot; an advocacy request needs none.
    return kind is not Kind.ADVOCACY


def _complaint_only(kind: Kind, role: SubmitterRole | None) -> bool:
    return kind is Kind.COMPLAINT


STEPS: tuple[Step, ...] = (
    Step("who-are-you", _always),
    # Everyone is asked, in words for who they are: a parent, carer or professional may be
    # the one telling us a child is unsafe (docs/safeguarding-what-happens.md).
    Step("are-you-safe", _always),
    Step("your-organisation", _organisation),
    Step("about-the-child", _about_the_child),
    Step("the-childs-views", _about_the_child),
    Step("your-age", _childs_age),
    Step("what-it-is-about", _always),
    Step("what-happened", _always),
    Step("put-it-right", _complaint_only),
    Step("files", _files),
    Step("advocate", must_offer_advocate),
    Step("contact", _always),
    Step("support", _always),
)

STEP_SLUGS = frozenset(step.slug for step in STEPS)
CHECK_ANSWERS = "check-answers"


def steps_for(kind: Kind, role: SubmitterRole | None) -> list[str]:
    """The slugs this person is asked, in order. Before they say who they are
    (role None) only the first step is known to apply."""
    if role is None:
        return [STEPS[0].slug]
    return [step.slug for step in STEPS if step.applies(kind, role)]


def next_step(kind: Kind, role: SubmitterRole | None, current: str) -> str:
    slugs = steps_for(kind, role)
    if current not in slugs:
        return slugs[0]
    index = slugs.index(current)
    return slugs[index + 1] if index + 1 < len(slugs) else CHECK_ANSWERS


def previous_step(kind: Kind, role: SubmitterRole | None, current: str) -> str | None:
    slugs = steps_for(kind, role)
    if current == CHECK_ANSWERS:
        return slugs[-1]
    if current not in slugs:
        return None
    index = slugs.index(current)
    return slugs[index - 1] if index > 0 else None
