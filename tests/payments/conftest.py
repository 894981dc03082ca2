import datetime
import html
import re
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from assure.members.models import Beneficiary
from assure.payments.models import Payment
from tests.payments.factories import PaymentFactory, PaymentLineFactory

TODAY = datetime.date(2026, 3, 15)


@pytest.fixture(autouse=True)
def today(request):
    """Today is 15 March 2026, for every test here but the browser tests (their
    live server and Chromium keep the real clock)."""
    if request.node.get_closest_marker("browser"):
        yield timezone.localdate()
        return
    moment = datetime.datetime(2026, 3, 15, 10, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        yield TODAY


@pytest.fixture
def lucas(alice):
    return Beneficiary.objects.create(
        member=alice,
        rank=1,
        relationship=Beneficiary.CHILD,
        last_name="Martin",
        first_names="Lucas",
        birth_date=datetime.date(2012, 4, 1),
    )


@pytest.fixture
def paul(alice):
    return Beneficiary.objects.create(
        member=alice,
        rank=2,
        relationship=Beneficiary.SPOUSE,
        last_name="Martin",
        first_names="Paul",
        birth_date=datetime.date(1982, 7, 20),
    )


def pay(member, paid_on, *, amount="19.00", nature=Payment.CARE, beneficiary=None, **kwargs):
    """A payment of `amount` with one line whose net is that amount."""
    payment = PaymentFactory(
        member=member,
        paid_on=paid_on,
        nature=nature,
        beneficiary=beneficiary,
        amount=Decimal(amount),
        **kwargs,
    )
    PaymentLineFactory(
        payment=payment,
        position=1,
        care_date=paid_on - datetime.timedelta(days=3),
        charged=Decimal(amount) + 2,
        base=Decimal(amount) + 2,
        rate=100,
        reimbursed=Decimal(amount) + 2,
        flat_fee=Decimal("2.00"),
    )
    return payment


def plain(fragment):
    """HTML as the eye reads it: tags dropped, entities decoded, no-break
    spaces as spaces, spaces collapsed."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", fragment)).replace("\xa0", " ")
    return " ".join(text.split())


def main_text(response):
    page = response.content.decode()
    return plain(page[page.index("<main") : page.index("</main>")])


def list_rows(response):
    """The rows of the list of payments, each as its text."""
    page = response.content.decode()
    if 'aria-labelledby="payments-caption"' not in page:
        return []
    table = page[page.index('aria-labelledby="payments-caption"') :]
    body = table[table.index("<tbody") : table.index("</tbody>")]
    return [plain(row.partition(">")[2]) for row in body.split("<tr")[1:]]


def error_summary(response):
    page = response.content.decode()
    if "govuk-error-summary" not in page:
        return []
    summary = page[page.index("govuk-error-summary__list") :]
    summary = summary[: summary.index("</ul>")]
    return [plain(item) for item in summary.split("<li>")[1:]]


def field_errors(response):
    """{field auto id: its error message} from the messages next to the fields."""
    page = response.content.decode()
    return {
        field: plain(message).removeprefix("Erreur : ")
        for field, message in re.findall(
            r'<p class="govuk-error-message" id="id_(\w+)_error">(.*?)</p>', page, flags=re.S
        )
    }
