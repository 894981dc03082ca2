import phonenumbers
from django import template
from django.utils.formats import date_format

register = template.Library()

# Numbers dialled from France as national ones: metropolitan France and the
# overseas departments and territories that share its numbering plan.
FRENCH_PLAN = {"FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF"}


@register.filter
def long_date(value):
    """ "3 décembre 1984", "1er janvier 2026": a date as written in a French letter."""
    if not value:
        return ""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {date_format(value, 'F Y')}"


@register.filter
def phone(value):
    """A stored number (E.164) as a member would dial it: "01 99 00 10 01" for
    a French number, "+32 2 123 45 67" for a foreign one."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        return value
    if phonenumbers.region_code_for_number(number) in FRENCH_PLAN:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
