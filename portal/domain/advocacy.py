"""The s26A duty: every child who makes or intends to make representations is offered
help to speak up (an advocate), and the answer is recorded (domain.md, "Advocacy").
"""

from portal.domain.types import AdvocacyAnswer, Kind, SubmitterRole

# A complaint or representation from a child, or made for a child, carries the offer.
# A compliment does not; a request for an advocate is the offer taken up.
KINDS_WITH_OFFER = frozenset({Kind.COMPLAINT, Kind.REPRESENTATION})


def must_offer_advocate(kind: Kind, role: SubmitterRole | None) -> bool:
    """Whether the form must ask about an advocate. An advocate filing for a child is
    already the child's advocate, so the answer is recorded without asking."""
    return kind in KINDS_WITH_OFFER and role is not SubmitterRole.ADVOCATE


# Answers after which the child has, or is getting, an advocate.
WITH_AN_ADVOCATE = frozenset(
    {
        AdvocacyAnswer.ACCEPTED,
        AdvocacyAnswer.ALREADY_HAS_ONE,
        AdvocacyAnswer.FILED_BY_ADVOCATE,
        AdvocacyAnswer.REQUESTED,
    }
)


def has_an_advocate(answer: str | None, assigned: str | None = None) -> bool:
    """Whether a child can be told to "talk to your advocate": one is named on the case,
    or the child has, asked for or accepted one."""
    return bool(assigned) or answer in {a.value for a in WITH_AN_ADVOCATE}
