"""Typed SQLAlchemy 2.0 models, one module per aggregate."""

from typing import TYPE_CHECKING

from portal.database import Base
from portal.extensions import db

# mypy cannot see through db.Model; the alias keeps the models typed (TOOLING.md).
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model

from portal.models.advocacy import AdvocateOrganisation, CopyConsent  # noqa: E402
from portal.models.attachment import Attachment  # noqa: E402
from portal.models.audit import AuditEvent  # noqa: E402
from portal.models.case import Case, ComplaintPoint, Lesson  # noqa: E402
from portal.models.clock import ClockEvent  # noqa: E402
from portal.models.complainant_step import ComplainantStep  # noqa: E402
from portal.models.concern import UnsentConcern  # noqa: E402
from portal.models.correspondence import Correspondence, TrackingLink  # noqa: E402
from portal.models.draft import Draft  # noqa: E402
from portal.models.enquiry import Enquiry  # noqa: E402
from portal.models.feedback import FeedbackAnswer, FeedbackInvitation  # noqa: E402
from portal.models.letter import LetterStatus, ResponseLetter  # noqa: E402
from portal.models.note import CaseNote  # noqa: E402
from portal.models.ombudsman import OmbudsmanEnquiry, OmbudsmanRemedy  # noqa: E402
from portal.models.outbox import (  # noqa: E402
    DeliveryStatus,
    MessageChannel,
    OutboxMessage,
    OutboxStatus,
)
from portal.models.referral import Referral, ReferralVisit  # noqa: E402
from portal.models.related import CaseLink, CaseReopening  # noqa: E402
from portal.models.reminder import DeadlineDigest, DeadlineNotice  # noqa: E402
from portal.models.report import ComparatorFigure, PastCase, ReportContext  # noqa: E402
from portal.models.routing import (  # noqa: E402
    Category,
    RoutingMark,
    RoutingRule,
    submission_categories,
)
from portal.models.staff import Staff  # noqa: E402
from portal.models.stage_response import StageResponse  # noqa: E402
from portal.models.submission import ReferenceCounter, Submission  # noqa: E402
from portal.models.task import Task  # noqa: E402
from portal.models.team import Team  # noqa: E402

__all__ = [
    "Model",
    "AdvocateOrganisation",
    "CopyConsent",
    "Attachment",
    "AuditEvent",
    "Category",
    "ComparatorFigure",
    "PastCase",
    "ReportContext",
    "ClockEvent",
    "ComplainantStep",
    "Case",
    "CaseLink",
    "CaseNote",
    "CaseReopening",
    "ComplaintPoint",
    "Correspondence",
    "TrackingLink",
    "Lesson",
    "LetterStatus",
    "ResponseLetter",
    "RoutingMark",
    "RoutingRule",
    "Staff",
    "StageResponse",
    "submission_categories",
    "DeadlineDigest",
    "DeadlineNotice",
    "Draft",
    "Enquiry",
    "OmbudsmanEnquiry",
    "OmbudsmanRemedy",
    "FeedbackAnswer",
    "FeedbackInvitation",
    "OutboxMessage",
    "OutboxStatus",
    "MessageChannel",
    "DeliveryStatus",
    "ReferenceCounter",
    "Referral",
    "ReferralVisit",
    "Submission",
    "Task",
    "Team",
    "UnsentConcern",
]
