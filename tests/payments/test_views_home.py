"""The member home's « Mes derniers paiements »: the 3 latest, and a way to all of them."""

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from assure.payments.models import Payment
from tests.members.factories import MemberFactory
from tests.payments.conftest import list_rows, main_text, pay, plain

HOME = "/accueil/"


def latest_section(response):
    page = response.content.decode()
    start = page.index("Mes derniers paiements</h2>")
    return page[start : page.index("<h2", start)]


def test_the_home_shows_the_3_latest_payments(signed_in, alice, lucas):
    pay(alice, datetime.date(2025, 12, 1), amount="1.00")
    pay(alice, datetime.date(2026, 1, 4), amount="2.00")
    third = pay(alice, datetime.date(2026, 2, 1), amount="3.00", beneficiary=lucas)
    second = pay(alice, datetime.date(2026, 3, 2), amount="1234.56", nature=Payment.OTHER)
    first = pay(alice, datetime.date(2026, 3, 2), amount="5.00")
    pay(MemberFactory(), datetime.date(2026, 3, 10), amount="99.00")

    section = latest_section(signed_in.get(HOME))

    body = section[section.index("<tbody") : section.index("</tbody>")]
    rows = [plain(row.partition(">")[2]) for row in body.split("<tr")[1:]]
    assert rows == [
        "2 mars 2026 : détail du paiement Remboursement de soins 5,00 €",
        "2 mars 2026 : détail du paiement Autre prestation 1 234,56 €",
        "1er février 2026 : détail du paiement Remboursement de soins 3,00 €",
    ]
    for payment in (first, second, third):
        assert f'href="/mes-paiements/{payment.pk}/"' in section
    assert '<a class="govuk-link" href="/mes-paiements/">Voir tous mes paiements</a>' in section


def test_the_home_says_when_there_is_no_payment(signed_in):
    section = latest_section(signed_in.get(HOME))

    assert "Aucun paiement pour le moment." in plain(section)
    assert "<table" not in section
    assert 'href="/mes-paiements/">Voir tous mes paiements</a>' in section


def test_the_home_leads_to_the_payments_page(signed_in, alice):
    pay(alice, datetime.date(2026, 3, 2))

    response = signed_in.get(HOME)

    assert response.content.decode().count("<h1") == 1
    assert len(list_rows(signed_in.get("/mes-paiements/"))) == 1
    assert "Mes derniers paiements" in main_text(response)


def test_the_home_reads_a_fixed_number_of_queries(signed_in, alice):
    signed_in.get(HOME)  # the first request after signing in saves the session

    def queries():
        with CaptureQueriesContext(connection) as context:
            response = signed_in.get(HOME)
        assert response.status_code == 200
        return [query["sql"] for query in context.captured_queries], response

    empty, response = queries()
    assert plain(latest_section(response)).count("détail du paiement") == 0
    for n in range(40):
        pay(alice, datetime.date(2026, 3, 1) - datetime.timedelta(days=n))
    full, response = queries()
    assert plain(latest_section(response)).count("détail du paiement") == 3

    assert len(full) == len(empty)
    # One query reads the payments, 3 of them, through the member.
    [payments] = [sql for sql in full if "payments_payment" in sql]
    assert re.search(r"\bLIMIT 3\b", payments)
    assert re.search(rf"\bWHERE member_id = {alice.pk}\b", payments)
