"""Which ways of reaching a person are safe, and what staff are told to do about it.

Every submitter is asked whether it is safe for us to phone them, to leave a voicemail
and to send them letters: someone living with the person they are telling us about may
hear a call or open the post (domestic abuse, and a child living with the adult the
complaint is about, are ordinary here). The answers bind every message after that: the
acknowledgement, letters staff post, phone calls a task asks for, and reminders.

An answer of None means the question was never asked (a case from before it was, or an
imported one): nothing is ruled out, as before, and the case page tells staff to check
with the person before they phone or write. Pure: the services pass in what the case
holds; the words are for staff, in English.
"""

from dataclasses import dataclass
from datetime import date

from portal.domain.letters import english_date

# The public form's answers: the ways ticked as safe, or none of them.
SAFE_PHONE = "phone"
SAFE_VOICEMAIL = "voicemail"
SAFE_LETTERS = "letters"
NONE_SAFE = "none"

DO_NOT_PHONE = "Do not phone"
DO_NOT_LEAVE_VOICEMAIL = "Do not leave voicemail"
DO_NOT_SEND_LETTERS = "Do not send letters"


@dataclass(frozen=True)
class ContactSafety:
    """What the person said is safe. None: not asked."""

    phone: bool | None
    voicemail: bool | None
    letters: bool | None

    @property
    def asked(self) -> bool:
        return None not in (self.phone, self.voicemail, self.letters)

    @property
    def may_phone(self) -> bool:
        return self.phone is not False

    @property
    def may_leave_voicemail(self) -> bool:
        return self.phone is not False and self.voicemail is not False

    @property
    def may_send_letters(self) -> bool:
        return self.letters is not False

    def warnings(self) -> list[str]:
        """What staff must not do, in the words the case page shows."""
        found = []
        if not self.may_phone:
            found.append(DO_NOT_PHONE)
        if not self.may_leave_voicemail:
            found.append(DO_NOT_LEAVE_VOICEMAIL)
        if not self.may_send_letters:
            found.append(DO_NOT_SEND_LETTERS)
        return found


NOT_ASKED = ContactSafety(phone=None, voicemail=None, letters=None)


def from_answer(chosen: list[str]) -> ContactSafety:
    """The public form's answer (the safe ways ticked) as the case stores it. A voicemail
    is only left on a call, so it is never safe when phoning is not."""
    phone = SAFE_PHONE in chosen
    return ContactSafety(
        phone=phone, voicemail=phone and SAFE_VOICEMAIL in chosen, letters=SAFE_LETTERS in chosen
    )


def _cautions(safety: ContactSafety) -> str:
    """ "do not phone, do not leave voicemail", or "" when nothing is ruled out."""
    return ", ".join(w.lower() for w in safety.warnings())


@dataclass(frozen=True)
class Reach:
    """How staff can reach the person without email: `how` is "phone", "post" or
    "none" (no safe way is left), and `words` says it in a task."""

    how: str  # "post", "phone", "no_address" or "none"
    words: str


def _ways(safety: ContactSafety, has_phone: bool, has_address: bool) -> tuple[bool, bool]:
    """(letters, phone): the ways left without email. A letter needs an address on the
    case, a call a number: staff are never offered a way they cannot use."""
    return safety.may_send_letters and has_address, safety.may_phone and has_phone


# Letters are safe, but there is nowhere to send one: the task asks for an address.
NO_ADDRESS = (
    "no postal address is held: ask for one (through their advocate or a professional "
    "they named, or from the child's record), note it on the case"
)


def _no_safe_way(safety: ContactSafety, has_phone: bool) -> str:
    reasons = ["no email address"]
    reasons.append("do not phone" if has_phone else "no phone number")
    reasons.append("do not send letters")
    return f"NO SAFE WAY to reach them ({', '.join(reasons)})"


def acknowledge_task(
    safety: ContactSafety, *, has_phone: bool, has_address: bool, due: date
) -> str:
    """The staff task to acknowledge a submission with no email address to send it to."""
    letters, phone = _ways(safety, has_phone, has_address)
    when = english_date(due)
    if not (letters or phone) and safety.may_send_letters:
        cautions = _cautions(safety)
        return f"Acknowledge by letter by {when}: {NO_ADDRESS}, then post it" + (
            f" ({cautions})" if cautions else ""
        )
    if not (letters or phone):
        return (
            f"Acknowledge by {when}: {_no_safe_way(safety, has_phone)}. Agree a safe way "
            "with the complaints manager, for example through their advocate or a "
            "professional they named"
        )
    how = "by phone or letter" if letters and phone else ("by letter" if letters else "by phone")
    cautions = _cautions(safety)
    return f"Acknowledge {how} by {when}" + (f" ({cautions})" if cautions else "")


def send_task(
    safety: ContactSafety, *, recipient: str, subject: str, has_phone: bool, has_address: bool
) -> Reach:
    """The staff task to deliver a message that could not be emailed to the recipient."""
    letters, phone = _ways(safety, has_phone, has_address)
    cautions = _cautions(safety)
    note = f" ({cautions})" if cautions else ""
    if letters:
        return Reach("post", f"Send by post to the {recipient}{note}: {subject}")
    if phone:
        return Reach("phone", f"Phone the {recipient} to tell them about it{note}: {subject}")
    if safety.may_send_letters:
        return Reach("no_address", f"Not sent yet: {NO_ADDRESS}, then post it{note}: {subject}")
    return Reach(
        "none",
        f"Not sent: {_no_safe_way(safety, has_phone)}. Agree a safe way with the "
        f"complaints manager: {subject}",
    )


def explain_advocacy_task(safety: ContactSafety, *, child: bool, due: date) -> str:
    """The staff task when a person was not sure whether the child wants an advocate."""
    who = (
        "they were not sure whether they want"
        if child
        else "they were not sure whether the child wants"
    )
    cautions = _cautions(safety)
    return (
        f"Explain advocacy{' to the child' if child else ''} by {english_date(due)}: {who} an "
        "advocate. Tell them what an advocate does and ask again, then update advocacy"
        + (f" ({cautions})" if cautions else "")
    )
