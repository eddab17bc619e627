"""Each value a case can hold, in words: one mapping per kind of value, and `label(kind,
value)`, which never returns a code. Staff see these words, never the stored codes.

The words of the public's answers are marked with `N_` for translation (pybabel extracts
them; the page translates them in the person's language: `portal/templating.py`'s
`label` filter, and `portal/fields.translated_choices` for a form's choices). The domain
itself stays pure: it only marks the words.
"""

from collections.abc import Mapping

from portal.domain.channels import Channel
from portal.domain.flags import DESCRIPTIONS as FLAG_DESCRIPTIONS
from portal.domain.referrals import Outcome as ReferralOutcome
from portal.domain.referrals import Source as ReferralSource
from portal.domain.referrals import Status as ReferralStatus
from portal.domain.stages import MOVE_LABELS
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


def N_(words: str) -> str:  # noqa: N802 (the name pybabel looks for)
    """Marks words to translate; they are translated where they are shown."""
    return words


NOT_SURE = N_("I'm not sure")

# --- the public's answers (English and Welsh) -------------------------------------------------

# Who the person is, in the words of the question "Who are you?"; staff see the same.
ROLE_ANSWERS: dict[str, str] = {
    SubmitterRole.CHILD: N_("I am a child or young person, and this is about me"),
    SubmitterRole.PARENT: N_("A parent, or someone with parental responsibility"),
    SubmitterRole.FOSTER_CARER: N_("A foster carer"),
    SubmitterRole.KINSHIP_CARER: N_("A special guardian or kinship carer"),
    SubmitterRole.RELATIVE: N_("Another relative, like a grandparent, aunt or brother"),
    SubmitterRole.PROFESSIONAL: N_("A professional, like a teacher, nurse or doctor"),
    SubmitterRole.ADVOCATE: N_("An advocate, writing for a child"),
    SubmitterRole.OTHER: N_("Someone else"),
}
# A child's own answer to "Who is it about?"; each is a hint for routing.
CHILD_TOPICS: dict[str, str] = {
    ChildTopic.SOCIAL_WORKER: N_("My social worker"),
    ChildTopic.FOSTER_CARER: N_("My foster carer"),
    ChildTopic.WHERE_I_LIVE: N_("Where I live, like a children's home"),
    ChildTopic.LEAVING_CARE: N_("Help with leaving care, like my personal adviser"),
    ChildTopic.SOMETHING_ELSE: N_("Someone or something else"),
    ChildTopic.NOT_SURE: NOT_SURE,
}
WHEN_IT_HAPPENED: dict[str, str] = {
    WhenItHappened.STILL_HAPPENING: N_("It is still happening"),
    WhenItHappened.LAST_MONTH: N_("In the last month"),
    WhenItHappened.LAST_YEAR: N_("Between 1 and 12 months ago"),
    WhenItHappened.OVER_A_YEAR: N_("More than a year ago"),
    WhenItHappened.NOT_SURE: NOT_SURE,
}
CHILD_AGREEMENT: dict[str, str] = {
    ChildAgreement.AGREES: N_("Yes, they know and agree"),
    ChildAgreement.KNOWS_NOT_AGREED: N_("They know, but they do not agree"),
    ChildAgreement.DOES_NOT_KNOW: N_("No, they do not know"),
    ChildAgreement.NOT_SURE: NOT_SURE,
}
REPLY_PREFERENCES: dict[str, str] = {
    "through_me": N_("Through me"),
    "through_advocate": N_("Through their advocate"),
    "meeting": N_("In a meeting, with someone they trust"),
    "not_sure": NOT_SURE,
}
CONTACT_PREFERENCES: dict[str, str] = {
    ContactPreference.EMAIL: N_("Email"),
    ContactPreference.TEXT: N_("Text message"),
    ContactPreference.PHONE: N_("Phone"),
    ContactPreference.POST: N_("Post"),
    ContactPreference.ADVOCATE: N_("Through my advocate"),
}
# The help a person can ask for; the back office names it the same way.
SUPPORT_NEEDS: dict[str, str] = {
    SupportNeed.INTERPRETER: N_("An interpreter"),
    SupportNeed.BSL: N_("British Sign Language (BSL)"),
    SupportNeed.EASY_READ: N_("Easy read letters"),
    SupportNeed.LARGE_PRINT: N_("Large print"),
    SupportNeed.OTHER: N_("Something else"),
}

# --- the case, as staff see it (English: the back office is in English) ------------------------

KINDS: dict[str, str] = {
    Kind.COMPLAINT: "Complaint",
    Kind.COMPLIMENT: "Compliment",
    Kind.ADVOCACY: "Advocacy request",
    Kind.REPRESENTATION: "Representation",
}
# Who sent it, named by staff and in the annual report.
SUBMITTER_ROLES: dict[str, str] = {
    SubmitterRole.CHILD: "Child or young person",
    SubmitterRole.PARENT: "Parent or person with parental responsibility",
    SubmitterRole.FOSTER_CARER: "Foster carer",
    SubmitterRole.KINSHIP_CARER: "Special guardian or kinship carer",
    SubmitterRole.RELATIVE: "Other relative",
    SubmitterRole.PROFESSIONAL: "Professional",
    SubmitterRole.ADVOCATE: "Advocate, for a child",
    SubmitterRole.OTHER: "Someone else",
}
STAGES: dict[str, str] = {
    "triage": "Triage",
    "stage1": "Stage 1",
    "stage2": "Stage 2",
    "stage3": "Stage 3",
    "ombudsman": "Ombudsman",
    "closed": "Closed",
}
PROCEDURES: dict[str, str] = {
    Procedure.ENGLAND_CHILDREN: "Children's statutory procedure (England, 2006)",
    Procedure.WALES_CHILDREN: "Children's statutory procedure (Wales, 2014)",
    Procedure.CORPORATE: "The council's corporate procedure",
}
# A stage's finding, on the complaint or on one point of it.
FINDINGS: dict[str, str] = {
    "upheld": "Upheld",
    "partially_upheld": "Partially upheld",
    "not_upheld": "Not upheld",
    "no_finding": "No finding",
}
# How a case ended: a finding, or closed without one.
OUTCOMES: dict[str, str] = FINDINGS | {
    "withdrawn": "Withdrawn",
    "resolved_informally": "Resolved informally",
}
OMBUDSMAN_DECISIONS: dict[str, str] = {
    "upheld": "Upheld (fault found)",
    "not_upheld": "Not upheld",
    "not_investigated": "Not investigated",
    "premature": "Premature: sent back to the council",
}
# The ombudsman's findings after an investigation (models/ombudsman.py).
MALADMINISTRATION: dict[str, str] = {
    "yes": "Fault (maladministration) found",
    "no": "No fault found",
}
INJUSTICE: dict[str, str] = {
    "yes": "Injustice found",
    "no": "No injustice found",
}
ADVOCACY_STATUSES: dict[str, str] = {
    "offered": "Offered",
    "requested": "Requested: waiting for the provider",
    "accepted": "Accepted by the provider",
    "declined": "Declined",
    "assigned": "Advocate assigned",
    "has_advocate": "Already has an advocate",
}
# A referral to the advocacy provider (domain/referrals.py): where it came from, where it
# stands and how it ended.
REFERRAL_SOURCES: dict[str, str] = {
    ReferralSource.REQUEST: "Request for an advocate",
    ReferralSource.OFFER: "Offer of an advocate accepted (s26A)",
    ReferralSource.STAFF: "Referred by council staff",
}
REFERRAL_STATUSES: dict[str, str] = {
    ReferralStatus.WAITING: "Waiting to be accepted",
    ReferralStatus.ACCEPTED: "Accepted",
    ReferralStatus.DECLINED: "Declined",
    ReferralStatus.CLOSED: "Closed",
}
REFERRAL_OUTCOMES: dict[str, str] = {
    ReferralOutcome.SUPPORTED_COMPLAINT: "Advocate supported the complaint",
    ReferralOutcome.SUPPORTED_OTHER: "Advocate supported the child in another way",
    ReferralOutcome.RESOLVED_WITHOUT_COMPLAINT: "Resolved without a complaint",
    ReferralOutcome.NO_LONGER_WANTED: "Child no longer wanted an advocate",
    ReferralOutcome.NO_CONTACT: "Could not make contact",
    ReferralOutcome.OTHER_ADVOCATE: "Child chose another advocate",
    ReferralOutcome.OTHER: "Another outcome",
}
# The person's answer to the offer of an advocate, as staff read it.
ADVOCACY_ANSWERS: dict[str, str] = {
    AdvocacyAnswer.ACCEPTED: "Yes, please arrange an advocate",
    AdvocacyAnswer.DECLINED: "No, thank you",
    AdvocacyAnswer.ALREADY_HAS_ONE: "Already has an advocate",
    AdvocacyAnswer.NOT_SURE: "Not sure yet",
    AdvocacyAnswer.FILED_BY_ADVOCATE: "Sent by their advocate",
    AdvocacyAnswer.REQUESTED: "This is a request for an advocate",
}
# How a case was acknowledged: by the portal's own email, text message or letter (the
# outbox, by the message's channel), or by staff.
ACKNOWLEDGED_HOW: dict[str, str] = {
    "phone": "By phone",
    "letter": "By letter",
    "email": "By email",
    "text": "By text message",
    "in_person": "In person",
}
# How a submission reached the council (domain/channels.py); the annual report's words.
CHANNELS: dict[str, str] = {
    Channel.ONLINE: "Online form",
    Channel.PHONE: "Phone",
    Channel.LETTER: "Letter",
    Channel.EMAIL: "Email",
    Channel.IN_PERSON: "In person",
    Channel.COUNCILLOR: "Through a councillor",
    Channel.MP: "Through an MP",
    Channel.ADVOCACY_PROVIDER: "From the advocacy provider",
}
# Who an enquiry about a case came from (services/enquiries.py).
ENQUIRY_FROM: dict[str, str] = {
    "mp": "MP",
    "councillor": "Councillor",
}
# What the person asked for more time for, from the tracking page (issue 17).
MORE_TIME_FOR: dict[str, str] = {
    "send_something": "To send something, or tell us more",
    "stage2_decision": "To decide whether to ask for stage 2",
}
# Staff's answer to what the person sent from the tracking page.
FROM_THEM_DECISIONS: dict[str, str] = {
    "granted": "Yes",
    "refused": "No",
    "done": "Dealt with",
}
# Why a stage's clock was paused.
PAUSE_REASONS: dict[str, str] = {
    "advocate": "Waiting for an advocate to be appointed",
    "complainant": "Waiting for the complainant, as agreed with them",
    "other": "Another reason",
}
# Why a closed case was reopened, and how it had ended (domain/stages.py `reopen`).
REOPEN_REASONS: dict[str, str] = {
    "new_complaint": "A new complaint about the same matter",
    "ombudsman": "The ombudsman asked us to look again",
    "other": "Another reason",
}
ENDINGS: dict[str, str] = {
    "closed": "Closed",
    "withdrawn": "Withdrawn",
    "resolved_informally": "Resolved informally",
}
# The case search's fields, as "Who has looked for this case?" names them.
SEARCH_FIELDS: dict[str, str] = {
    "reference": "reference",
    "name": "name",
    "email": "email",
    "phone": "phone",
    "postcode": "postcode",
    "child_date_of_birth": "child's date of birth",
    "words": "words",
}
# What happened to a stage's clock, and the clocks themselves (triage's is the
# acknowledgement's).
CLOCK_EVENTS: dict[str, str] = {
    "started": "Clock started",
    "paused": "Clock paused",
    "restarted": "Clock restarted",
    "extended": "Extended",
    "stopped": "Clock stopped",
    "recomputed": "Due date worked out again",
    "done": "Step done",
}
CLOCKS: dict[str, str] = {
    "triage": "Acknowledgement",
    "stage1": "Stage 1",
    "stage2": "Stage 2",
    "stage3": "Stage 3",
}
# What staff press to move a case on (in Wales stage 1's response has its own words:
# stages.move_label).
MOVES: dict[str, str] = {move.value: words for move, words in MOVE_LABELS.items()} | {
    # Moves of old, still named in the audit trail: the ombudsman's enquiry is now a step
    # of its own (services/ombudsman.py).
    "refer_ombudsman": "Record a referral to the ombudsman",
    "ombudsman_decision": "Record the ombudsman's decision",
}

# The fields a change to a case names in its audit trail.
FIELDS: dict[str, str] = {
    "team_id": "Team",
    "assigned_staff_id": "Assigned to",
    "routing_reason": "Why this team",
    "stage": "Stage",
    "kind": "Kind",
    "procedure": "Procedure",
    "outcome": "Outcome",
    "next_due_on": "Next due on",
    "acknowledged_at": "Acknowledged at",
    "acknowledged_how": "Acknowledged how",
    "advocacy_status": "Advocacy",
    "advocate_assigned": "Advocate",
    "advocate_id": "Advocate's account",
    "ombudsman_decision": "Ombudsman's decision",
    "sufficient_interest": "Sufficient interest",
    "categories": "Categories",
    "reply_due_on": "Reply due by",
    "replied_on": "Replied on",
    "received_on": "Received on",
    "reference": "Reference",
    "draft_decision_on": "Draft decision on",
    "comments_due_on": "Comments due by",
    "comments_sent_on": "Comments sent on",
    "decided_on": "Decided on",
    "decision": "Ombudsman's decision",
    "maladministration": "Maladministration",
    "injustice": "Injustice",
    "due_on": "Comply by",
    "complied_on": "Complied on",
}

# The fields whose values are one of the kinds of value below.
FIELD_VALUES: dict[str, str] = {
    "stage": "stage",
    "kind": "kind",
    "reclassified_from": "kind",
    "procedure": "procedure",
    "outcome": "outcome",
    "ombudsman_decision": "ombudsman_decision",
    "decision": "ombudsman_decision",
    "advocacy_status": "advocacy_status",
    "advocacy_answer": "advocacy_answer",
    "acknowledged_how": "acknowledged_how",
    "submitter_role": "submitter_role",
    "contact_preference": "contact_preference",
    "child_agreement": "child_agreement",
    "when_it_happened": "when_it_happened",
    "channel": "channel",
}

# The child's consent to copying letters to their advocate (models/advocacy.py): who gave
# it, and who withdrew it.
CONSENT_GIVEN_BY: dict[str, str] = {
    "child_form": "The child, on the form",
    "staff": "Staff, recording the child's word",
    "advocate": "The advocate, recording the child's word",
}
CONSENT_WITHDRAWN_BY: dict[str, str] = {
    "child": "The child, from their tracking page",
    "advocate": "The advocate",
    "staff": "Staff, recording the child's word",
}

LABELS: dict[str, Mapping[str, str]] = {
    "role_answer": ROLE_ANSWERS,
    "child_topic": CHILD_TOPICS,
    "when_it_happened": WHEN_IT_HAPPENED,
    "child_agreement": CHILD_AGREEMENT,
    "reply_preference": REPLY_PREFERENCES,
    "contact_preference": CONTACT_PREFERENCES,
    "support_need": SUPPORT_NEEDS,
    "kind": KINDS,
    "submitter_role": SUBMITTER_ROLES,
    "stage": STAGES,
    "procedure": PROCEDURES,
    "finding": FINDINGS,
    "outcome": OUTCOMES,
    "ombudsman_decision": OMBUDSMAN_DECISIONS,
    "advocacy_status": ADVOCACY_STATUSES,
    "advocacy_answer": ADVOCACY_ANSWERS,
    "referral_source": REFERRAL_SOURCES,
    "referral_status": REFERRAL_STATUSES,
    "referral_outcome": REFERRAL_OUTCOMES,
    "acknowledged_how": ACKNOWLEDGED_HOW,
    "enquiry_from": ENQUIRY_FROM,
    "more_time_for": MORE_TIME_FOR,
    "from_them_decision": FROM_THEM_DECISIONS,
    "maladministration_found": {"True": "Found", "False": "Not found"},
    "injustice_found": {"True": "Found", "False": "Not found"},
    "channel": CHANNELS,
    "flag": FLAG_DESCRIPTIONS,
    "pause_reason": PAUSE_REASONS,
    "clock_event": CLOCK_EVENTS,
    "reopen_reason": REOPEN_REASONS,
    "search_field": SEARCH_FIELDS,
    "ending": ENDINGS,
    "clock": CLOCKS,
    "move": MOVES,
    "field": FIELDS,
    "consent_given_by": CONSENT_GIVEN_BY,
    "consent_withdrawn_by": CONSENT_WITHDRAWN_BY,
}
# The kinds whose words the public sees, in English or Welsh.
PUBLIC = frozenset(
    {
        "role_answer",
        "child_topic",
        "when_it_happened",
        "child_agreement",
        "reply_preference",
        "contact_preference",
        "support_need",
    }
)


def words(code: str) -> str:
    """A value no mapping names, still in words: "over_a_year" -> "Over a year"."""
    text = " ".join(code.replace("_", " ").split())
    return text[:1].upper() + text[1:]


def label(kind: str, value: object) -> str:
    """The words for `value` of a kind of value ("" for no value)."""
    if value is None or value == "":
        return ""
    return LABELS[kind].get(str(value)) or words(str(value))
