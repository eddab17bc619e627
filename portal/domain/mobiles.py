"""UK mobile numbers: the numbers a text message can reach.

A person who asks us to text them types their number as they like ("07700 900 982",
"+44 7700 900982", "0044 7700 900982"); what they typed is kept and shown to them and to
staff, and a text goes to the same number written in E.164 ("+447700900982"), the form
GOV.UK Notify and email-to-SMS gateways take.

A mobile is a valid number of the UK's numbering plan (+44, which the Channel Islands and
the Isle of Man share) that libphonenumber classes as a mobile. Ofcom keeps 07700 900000
to 07700 900999 for drama, and GOV.UK's own examples use it ("like 07700 900 982"): those
numbers are allocated to nobody, so libphonenumber calls them invalid, yet a person who
copies the example must not be told it is wrong, and tests text them (GOV.UK Notify
accepts them too). A text to one reaches nobody.
"""

import phonenumbers
from phonenumbers import PhoneNumberType

UK = 44
MOBILE_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})
# Ofcom's numbers for drama: 07700 900000 to 07700 900999, national significant number.
DRAMA_MOBILES = range(7700900000, 7700901000)


def uk_mobile(typed: str) -> str | None:
    """The number in E.164 ("+447700900982") if `typed` is a UK mobile number; else None
    (a landline, a number abroad, too short or not a number)."""
    try:
        number = phonenumbers.parse(typed, "GB")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != UK:
        return None
    is_mobile = phonenumbers.is_valid_number(number) and (
        phonenumbers.number_type(number) in MOBILE_TYPES
    )
    if not (is_mobile or number.national_number in DRAMA_MOBILES):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
