"""« Mes paiements »: the member's payments, newest first, 20 a page."""

import datetime

import pytest
from django.urls import reverse

from assure.accounts.models import User
from assure.payments.models import Payment
from assure.portal.pages import page_numbers
from tests.conftest import text
from tests.members.factories import MemberFactory
from tests.payments.conftest import list_rows, main_text, pay

URL = "/mes-paiements/"
MONTHS_URL = "/mes-paiements/par-mois/"


def days_before(days):
    return datetime.date(2026, 3, 15) - datetime.timedelta(days=days)


def test_the_page_is_reached_at_its_url_name_and_from_the_menu(signed_in):
    response = signed_in.get(reverse("payments:index"))

    assert reverse("payments:index") == URL
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert '<h1 class="govuk-heading-l">Mes paiements</h1>' in page
    assert "<title>Mes paiements – Caisse de démonstration</title>" in page
    assert f'href="{URL}" aria-current="page">Mes paiements</a>' in page
    # The menu: "Mes paiements" right after "Accueil".
    home = page.index(">Accueil</a>")
    assert home < page.index(">Mes paiements</a>") < page.index(">Mes informations</a>")


def test_other_pages_show_the_menu_item_without_aria_current(signed_in):
    page = signed_in.get("/mes-informations/").content.decode()

    assert f'<a class="assure-menu__link" href="{URL}">Mes paiements</a>' in page


@pytest.mark.parametrize("url", [URL, MONTHS_URL, "/mes-paiements/filtrer/"])
def test_it_needs_a_signed_in_member(client, django_user_model, db, url):
    assert client.get(url).status_code == 302
    agent = django_user_model.objects.create(username="agent", is_staff=True)
    client.force_login(agent)
    assert client.get(url).status_code == 404


def test_each_row_gives_date_nature_person_and_amount(signed_in, alice, lucas):
    pay(alice, datetime.date(2026, 3, 2), amount="1234.56", beneficiary=lucas)
    pay(alice, datetime.date(2026, 2, 1), amount="7.10", nature=Payment.DAILY_ALLOWANCE)

    rows = list_rows(signed_in.get(URL))

    assert rows == [
        "2 mars 2026 : détail du paiement Remboursement de soins pour Lucas Martin 1 234,56 €",
        "1er février 2026 : détail du paiement Indemnités journalières "
        "pour Alice (vous-même) 7,10 €",
    ]


def test_each_row_links_to_its_detail(signed_in, alice):
    payment = pay(alice, datetime.date(2026, 3, 2))

    page = signed_in.get(URL).content.decode()

    assert f'href="/mes-paiements/{payment.pk}/">2 mars 2026' in page


def test_newest_first_then_latest_recorded_first_on_the_same_day(signed_in, alice):
    older = pay(alice, datetime.date(2026, 1, 5), amount="1.00")
    same_day_first = pay(alice, datetime.date(2026, 2, 10), amount="2.00")
    same_day_second = pay(alice, datetime.date(2026, 2, 10), amount="3.00")
    newest = pay(alice, datetime.date(2026, 3, 1), amount="4.00")

    page = signed_in.get(URL).content.decode()

    positions = [
        page.index(f'href="/mes-paiements/{p.pk}/"')
        for p in (newest, same_day_second, same_day_first, older)
    ]
    assert positions == sorted(positions)


def test_only_the_members_own_payments_are_listed(signed_in, alice):
    pay(alice, datetime.date(2026, 3, 2), reference="ALICE0001")
    pay(MemberFactory(), datetime.date(2026, 3, 3), reference="OTHER0001")

    page = text(signed_in.get(URL))

    assert "ALICE0001" not in page  # references are on the detail only
    assert len(list_rows(signed_in.get(URL))) == 1
    assert "1 paiement." in main_text(signed_in.get(URL))


@pytest.fixture
def fifty(alice):
    """50 payments, one a day, the newest 1 day ago; amount = its rank (1 = newest)."""
    return [pay(alice, days_before(n), amount=f"{n}.00") for n in range(1, 51)]


def amounts(response):
    return [row.rsplit(" ", 2)[-2] for row in list_rows(response)]


def test_pages_of_20(signed_in, fifty):
    first, second, third = (signed_in.get(URL, {"page": n}) for n in (1, 2, 3))

    assert amounts(first) == [f"{n},00" for n in range(1, 21)]
    assert amounts(second) == [f"{n},00" for n in range(21, 41)]
    assert amounts(third) == [f"{n},00" for n in range(41, 51)]
    assert "50 paiements : les paiements 21 à 40 sont affichés." in main_text(second)
    assert "(page 2 sur 3)" in main_text(second)


def test_the_pagination_follows_the_gov_uk_pattern(signed_in, fifty):
    page = signed_in.get(URL, {"page": 2}).content.decode()

    assert '<nav class="govuk-pagination" aria-label="Pages de la liste des paiements">' in page
    assert 'href="/mes-paiements/" rel="prev"' in page
    assert 'href="/mes-paiements/?page=3" rel="next"' in page
    assert 'href="/mes-paiements/?page=2" aria-label="Page 2" aria-current="page">2</a>' in page
    assert 'aria-label="Page 1">1</a>' in page and 'aria-label="Page 3">3</a>' in page


def test_the_first_page_has_no_previous_link_and_the_last_no_next(signed_in, fifty):
    first = signed_in.get(URL).content.decode()
    last = signed_in.get(URL, {"page": 3}).content.decode()

    assert 'rel="prev"' not in first and 'rel="next"' in first
    assert 'rel="prev"' in last and 'rel="next"' not in last


def test_one_page_needs_no_pagination(signed_in, alice):
    pay(alice, days_before(1))

    assert "govuk-pagination" not in signed_in.get(URL).content.decode()


def test_page_links_keep_the_filters_and_drop_empty_fields(signed_in, fifty):
    query = {
        "start_0": "",
        "start_1": "",
        "start_2": "",
        "end_0": "",
        "end_1": "",
        "end_2": "",
        "beneficiary": "self",
        "nature": "care",
        "page": "2",
    }
    page = signed_in.get(URL, query).content.decode()

    assert 'href="/mes-paiements/?beneficiary=self&amp;nature=care&amp;page=3" rel="next"' in page
    assert 'href="/mes-paiements/?beneficiary=self&amp;nature=care" rel="prev"' in page


@pytest.mark.parametrize(
    ("asked", "shown"),
    [("99", 3), ("4", 3), ("0", 3), ("-1", 3), ("abc", 1), ("", 1), ("2.5", 1), ("1" * 30, 3)],
)
def test_a_page_out_of_range_shows_the_last_page_and_nonsense_the_first(
    signed_in, fifty, asked, shown
):
    response = signed_in.get(URL, {"page": asked})

    assert response.status_code == 200
    assert f"(page {shown} sur 3)" in main_text(response)


def test_no_payment_at_all(signed_in):
    response = signed_in.get(URL)

    assert response.status_code == 200
    assert "Aucun paiement pour le moment." in main_text(response)
    assert list_rows(response) == []
    assert "govuk-pagination" not in response.content.decode()


def test_the_page_count_is_fixed_whatever_the_amount_of_data(
    signed_in, alice, django_assert_num_queries
):
    # The first request after signing in also saves the session (idle timeout).
    signed_in.get(URL)
    # Session, the user with their member; the page of payments with their
    # number and their beneficiaries' names.
    with django_assert_num_queries(3):
        signed_in.get(URL)
    for size in (1, 60):
        family = [None] + [
            alice.beneficiaries.create(
                rank=len(alice.beneficiaries.all()) + 1,
                relationship="child",
                last_name="Martin",
                first_names=f"Enfant {size}-{rank}",
                birth_date=datetime.date(2015, 1, 1),
            )
            for rank in range(size // 10)
        ]
        for n in range(size):
            pay(alice, days_before(n * 5 + 1), beneficiary=family[n % len(family)])
        with django_assert_num_queries(3):
            response = signed_in.get(URL)
        assert len(list_rows(response)) == min(20, len(alice.payments.all()))
        # Filtered by person: the member's beneficiaries too, to check the one chosen.
        with django_assert_num_queries(4):
            response = signed_in.get(URL, {"nature": "care", "beneficiary": "self"})
        assert response.status_code == 200


def test_page_numbers_show_first_last_and_neighbours():
    assert page_numbers(1, 1) == [1]
    assert page_numbers(1, 3) == [1, 2, 3]
    assert page_numbers(1, 10) == [1, 2, None, 10]
    assert page_numbers(5, 10) == [1, None, 4, 5, 6, None, 10]
    assert page_numbers(3, 10) == [1, 2, 3, 4, None, 10]  # no "…" for a single page
    assert page_numbers(10, 10) == [1, None, 9, 10]


def test_the_statement_links_are_the_past_months_with_payments(signed_in, alice):
    pay(alice, datetime.date(2026, 3, 2))  # this month: no statement yet
    pay(alice, datetime.date(2026, 2, 27))
    pay(alice, datetime.date(2026, 2, 3))
    pay(alice, datetime.date(2025, 11, 30))

    page = text(signed_in.get(MONTHS_URL))

    assert '<a class="govuk-link" href="/mes-paiements/releves/2026-02/">' in page
    assert "Relevé de février 2026 (PDF)" in page
    assert "Relevé de novembre 2025 (PDF)" in page
    assert page.index("février 2026 (PDF)") < page.index("novembre 2025 (PDF)")
    assert "Relevé de mars 2026" not in page
    assert "Relevé de janvier 2026" not in page and "Relevé de décembre 2025" not in page


def test_at_most_the_12_latest_statement_months_are_offered(signed_in, alice):
    for months_ago in range(1, 16):
        year, month = divmod(2026 * 12 + 2 - months_ago, 12)
        pay(alice, datetime.date(year, month + 1, 10))

    page = text(signed_in.get(MONTHS_URL))

    assert page.count("/mes-paiements/releves/") == 12
    assert "Relevé de février 2026 (PDF)" in page
    assert "Relevé de mars 2025 (PDF)" in page
    assert "Relevé d'avril 2025 (PDF)" in page and "Relevé d'août 2025 (PDF)" in page
    assert "Relevé de février 2025 (PDF)" not in page


def test_no_statement_yet(signed_in, alice):
    pay(alice, datetime.date(2026, 3, 2))

    assert "Aucun relevé pour le moment" in main_text(signed_in.get(MONTHS_URL))


def test_another_members_payments_never_count(client, alice, bob):
    pay(bob, datetime.date(2026, 2, 3), amount="999.00")
    user = User.objects.create(username=alice.nir, member=alice)
    client.force_login(user)

    response = client.get(URL)

    assert "Aucun paiement pour le moment." in main_text(response)
    assert "999,00" not in main_text(response)
    assert "/mes-paiements/releves/" not in response.content.decode()


def test_the_list_reads_each_payment_as_the_orm_does(alice, lucas, django_assert_num_queries):
    pay(alice, days_before(1), amount="1234.56", beneficiary=lucas)
    pay(alice, days_before(2), amount="7.10", nature=Payment.DAILY_ALLOWANCE)
    pay(alice, days_before(3), amount="0.05")
    pay(MemberFactory(), days_before(1), amount="99.99")

    with django_assert_num_queries(1):
        listed = Payment.objects.listing(alice).page("1", 20).object_list
        names = [payment.beneficiary_name(alice) for payment in listed]

    fields = ["pk", "paid_on", "nature", "amount", "nature_label"]
    expected = Payment.objects.filter(member=alice).order_by("-paid_on", "-id")
    assert [[getattr(p, f) for f in fields] for p in listed] == [
        [getattr(p, f) for f in fields] for p in expected
    ]
    assert names == [p.beneficiary_name(alice) for p in expected]
    assert [str(payment.amount) for payment in listed] == ["1234.56", "7.10", "0.05"]
    assert names == ["Lucas Martin", "Alice (vous-même)", "Alice (vous-même)"]


def test_the_links_are_those_of_reverse(signed_in, alice):
    payment = pay(alice, days_before(1))

    page = signed_in.get(URL, {"nature": "care"}).content.decode()

    detail = reverse("payments:detail", args=[payment.pk])
    assert f'href="{detail}?nature=care">' in page
    assert f'href="{reverse("payments:filters")}?nature=care">Modifier les filtres' in page
    assert f'href="{reverse("payments:index")}">Effacer les filtres' in page
    assert f'href="{reverse("payments:months")}">Voir les montants' in page


def test_names_from_the_data_are_escaped(signed_in, alice):
    alice.first_names = "<b>Alice"
    alice.save()
    child = alice.beneficiaries.create(
        rank=1,
        relationship="child",
        last_name="Martin & fils",
        first_names='<script>alert("x")</script>',
        birth_date=datetime.date(2015, 1, 1),
    )
    pay(alice, days_before(1), beneficiary=child)
    pay(alice, days_before(2))

    page = signed_in.get(URL).content.decode()

    assert "<script>" not in page and "<b>" not in page
    assert "pour &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Martin &amp; fils</span>" in page
    assert "pour &lt;b&gt;Alice (vous-même)</span>" in page
    filters = signed_in.get("/mes-paiements/filtrer/").content.decode()
    assert "<script>" not in filters and "<b>" not in filters
    assert '<option value="self">&lt;b&gt;Alice (vous-même)</option>' in filters
    assert f'<option value="{child.pk}">&lt;script&gt;' in filters
