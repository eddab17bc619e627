"""The words the procedure uses for who is writing and what they are sending."""

from enum import StrEnum


class Kind(StrEnum):
    """What a person sends us (domain.md, "What goes through which procedure")."""

    COMPLAINT = "complaint"
    COMPLIMENT = "compliment"
    ADVOCACY = "advocacy"
    REPRESENTATION = "representation"


class SubmitterRole(StrEnum):
    """Who is writing, as the annual report counts sources (domain.md, "Sources")."""

    CHILD = "child"
    PARENT = "parent"
    FOSTER_CARER = "foster_carer"
    KINSHIP_CARER = "kinship_carer"
    RELATIVE = "relative"
    PROFESSIONAL = "professional"
    ADVOCATE = "advocate"
    OTHER = "other"


class ContactPreference(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    POST = "post"
    ADVOCATE = "advocate"
    # Short texts that give nothing away, to a UK mobile (domain/mobiles.py), offered only
    # where the council can send them (docs/keeping-informed.md, "Texts").
    TEXT = "text"


class ChildTopic(StrEnum):
    """Who or what a child says it is about, in a child's words. It is a hint for routing
    (configuration maps each to a team: CHILD_TOPIC_TEAMS); staff keep the team."""

    SOCIAL_WORKER = "social_worker"
    FOSTER_CARER = "foster_carer"
    WHERE_I_LIVE = "where_i_live"
    LEAVING_CARE = "leaving_care"
    SOMETHING_ELSE = "something_else"
    NOT_SURE = "not_sure"


class AdvocacyAnswer(StrEnum):
    """The answer to the s26A offer of an advocate, recorded for every child's complaint."""

    ACCEPTED = "accepted"
    DECLINED = "declined"
    ALREADY_HAS_ONE = "already_has_one"
    NOT_SURE = "not_sure"
    FILED_BY_ADVOCATE = "filed_by_advocate"
    REQUESTED = "requested"  # the submission is itself a request for an advocate


class ChildAgreement(StrEnum):
    AGREES = "agrees"
    KNOWS_NOT_AGREED = "knows_not_agreed"
    DOES_NOT_KNOW = "does_not_know"
    NOT_SURE = "not_sure"


class WhenItHappened(StrEnum):
    STILL_HAPPENING = "still_happening"
    LAST_MONTH = "last_month"
    LAST_YEAR = "last_year"
    OVER_A_YEAR = "over_a_year"
    NOT_SURE = "not_sure"


class SupportNeed(StrEnum):
    INTERPRETER = "interpreter"
    BSL = "bsl"
    EASY_READ = "easy_read"
    LARGE_PRINT = "large_print"
    OTHER = "other"


# The default scheme of ten categories of complaint (domain.md, "Categories"): shipped as
# the categories staff can edit, and the slugs an import of past cases may use.
NATIONAL_CATEGORIES = {
    "legislation": "About legislation",
    "policy": "About policy",
    "confidentiality": "Breach of confidentiality",
    "broken_promise": "Broken promise or appointment",
    "delay_failed_service": "Delay or failed service",
    "denial_change_service": "Denial, withdrawal or change of service",
    "information": "Lack of or incorrect information",
    "not_to_standard": "Not to standard",
    "staff_attitude": "Staff attitude or conduct",
    "other": "Other",
}
