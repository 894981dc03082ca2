"""« Mes paiements » in a real Chromium: from the home page to the list, its
filters, a payment's detail and a monthly statement, on a phone and a wide screen."""

import datetime
import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pypdf
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assure.lib.french import of_month
from assure.payments.models import Payment, add_months, month_start
from tests.browser import assert_accessible, assert_no_horizontal_scroll, sign_in_as
from tests.payments.conftest import pay
from tests.payments.factories import PaymentLineFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page):
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


@pytest.fixture
def history(alice, lucas, paul):
    """25 care payments over the last months, and a daily allowance last month
    (a period line) whose professional name is long."""
    today = timezone.localdate()
    for n in range(25):
        pay(
            alice,
            today - datetime.timedelta(days=3 + 4 * n),
            amount=f"{10 + n}.50",
            beneficiary=[None, lucas, paul][n % 3],
        )
    last_month = add_months(month_start(today), -1)
    allowance = pay(
        alice,
        last_month + datetime.timedelta(days=4),
        amount="1234.56",
        nature=Payment.DAILY_ALLOWANCE,
        reference="IJ2026000001",
    )
    allowance.lines.update(act="Indemnités journalières maladie", professional="")
    PaymentLineFactory(
        payment=allowance,
        position=2,
        care_date=last_month - datetime.timedelta(days=20),
        end_date=last_month - datetime.timedelta(days=5),
        act="Indemnités journalières maladie, période complémentaire",
        professional="Centre hospitalier universitaire Charles-Nicolle, service de médecine",
        charged=Decimal("0.00"),
        base=Decimal("42.18"),
        rate=50,
        reimbursed=Decimal("316.35"),
        flat_fee=Decimal("0.00"),
    )
    allowance.amount = Decimal("1550.91")  # 1 234,56 € + 316,35 €
    allowance.save()
    return {"allowance": allowance, "last_month": last_month}


@pytest.mark.parametrize("width", [320, 1280])
def test_a_member_finds_filters_reads_and_downloads_their_payments(
    browser_page, live_server, alice_account, history, width, tmp_path
):
    page = browser_page(width=width)
    sign_in_as(page, alice_account, live_server)

    page.goto(f"{live_server.url}/accueil/")
    latest = page.get_by_role("region", name="Vos 3 derniers paiements")
    expect(latest.locator("tbody tr")).to_have_count(3)
    check(page)
    page.locator("summary", has_text="Menu").click()
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Mes paiements"
    ).click()

    expect(page).to_have_url(f"{live_server.url}/mes-paiements/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes paiements", use_inner_text=True)
    expect(page.locator("main")).to_contain_text("26 paiements", use_inner_text=True)
    check(page)
    page.screenshot(path=f"/tmp/mes-paiements-{width}.png", full_page=True)

    # The amounts by month, and back.
    page.get_by_role("link", name="Voir les montants versés chaque mois").click()
    assert (
        page.get_by_role("img", name="Graphique en barres des montants versés par mois").count()
        == 1
    )
    check(page)
    page.get_by_text("Voir les montants en tableau").click()
    expect(page.get_by_role("table", name="Montants versés par mois")).to_be_visible()
    check(page)
    page.get_by_role("link", name="Retour à mes paiements").click()

    # Filter: daily allowances since the first day of last month.
    last_month = history["last_month"]
    page.get_by_role("link", name="Filtrer les paiements").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Filtrer mes paiements", use_inner_text=True
    )
    check(page)
    page.get_by_label("Nature du paiement").select_option(label="Indemnités journalières")
    start = page.get_by_role("group", name="Du")
    start.get_by_label("Jour").fill("1")
    start.get_by_label("Mois").fill(str(last_month.month))
    start.get_by_label("Année").fill(str(last_month.year))
    page.get_by_role("button", name="Afficher les paiements").click()
    query = parse_qs(urlsplit(page.url).query)
    assert query["nature"] == ["daily_allowance"]
    assert (query["start_0"], query["start_1"]) == (["1"], [str(last_month.month)])
    rows = page.get_by_role("region", name="Vos paiements").locator("tbody tr")
    expect(rows).to_have_count(1)
    assert "1 550,91 €" in rows.first.inner_text().replace("\xa0", " ")
    expect(page.locator("main")).to_contain_text("« Indemnités journalières »", use_inner_text=True)
    check(page)
    filtered_url = page.url

    # The detail, then the browser's back button: the filters are still there.
    rows.first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile("^" + re.escape("Paiement du ")), use_inner_text=True
    )
    main = page.locator("main").inner_text().replace("\xa0", " ")
    assert "IJ2026000001" in main and "Centre hospitalier universitaire" in main
    assert "Période" in main and "50 %" in main
    check(page)
    page.screenshot(path=f"/tmp/paiement-{width}.png", full_page=True)
    page.go_back()
    expect(page).to_have_url(filtered_url)
    expect(page.get_by_role("region", name="Vos paiements").locator("tbody tr")).to_have_count(1)
    page.get_by_role("link", name="Modifier les filtres").click()
    assert page.get_by_label("Nature du paiement").input_value() == "daily_allowance"
    assert page.get_by_role("group", name="Du").get_by_label("Jour").input_value() == "1"
    page.get_by_role("button", name="Afficher les paiements").click()
    expect(page).to_have_url(filtered_url)

    # The detail's back link keeps them too.
    page.get_by_role("region", name="Vos paiements").get_by_role("link").first.click()
    page.get_by_role("link", name="Retour à mes paiements").click()
    assert parse_qs(urlsplit(page.url).query)["nature"] == ["daily_allowance"]

    # Last month's statement, downloaded and read.
    page.get_by_role("link", name="Voir les montants versés chaque mois").click()
    name = f"releve-{last_month:%Y-%m}.pdf"
    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"Relevé {of_month(last_month)} (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == name
    download.save_as(tmp_path / name)
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(tmp_path / name).pages)
    assert "Relevé mensuel de vos paiements" in text
    assert "IJ2026000001" in text and "1 550,91 €" in text.replace("\xa0", " ")
    assert alice_account.member.formatted_nir in text


@pytest.mark.parametrize("width", [320, 1280])
def test_wrong_filters_are_explained_next_to_each_field(
    browser_page, live_server, alice_account, history, width
):
    page = browser_page(width=width)
    sign_in_as(page, alice_account, live_server)
    page.goto(
        f"{live_server.url}/mes-paiements/?start_0=31&start_1=2&start_2=2025&beneficiary=9999"
    )

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(
        "La date de début doit être une vraie date.", use_inner_text=True
    )
    expect(summary).to_contain_text("Choisissez une personne dans la liste.", use_inner_text=True)
    expect(page).to_have_title(re.compile("^" + re.escape("Erreur : Filtrer mes paiements")))
    check(page)
    summary.get_by_role("link", name="La date de début doit être une vraie date.").click()
    assert page.evaluate("document.activeElement.id") == "id_start_0"


def test_the_pages_read_well_on_a_phone_with_many_pages(browser_page, live_server, alice_account):
    member = alice_account.member
    today = timezone.localdate()
    for n in range(130):
        pay(member, today - datetime.timedelta(days=n + 1), amount="12345.67")
    page = browser_page(width=320)
    sign_in_as(page, alice_account, live_server)

    page.goto(f"{live_server.url}/mes-paiements/?page=4")
    pagination = page.get_by_role("navigation", name="Pages de la liste des paiements")
    assert pagination.get_by_role("link", name="Page 4").get_attribute("aria-current") == "page"
    check(page)
    pagination.get_by_role("link", name="Page suivante").click()
    expect(page).to_have_url(re.compile(re.escape("?page=5") + "$"))
    check(page)
    page.goto(f"{live_server.url}/mes-paiements/{member.payments.first().pk}/")
    check(page)
    page.goto(f"{live_server.url}/accueil/")
    check(page)
