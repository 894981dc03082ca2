"""The fund's colours at run time, their contrast check, and no GOV.UK branding."""

import re
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.urls import reverse

import assure
from assure.portal.colours import contrast_ratio

ASSURE = Path(assure.__file__).parent
COMMENTS = re.compile(r"{% comment %}.*?{% endcomment %}|{#.*?#}", re.S)
STYLESHEET = ASSURE / "static" / "assure" / "css" / "main.css"


def test_the_theme_gives_the_funds_colours_to_anyone(client, db, settings):
    settings.ASSURE_PRIMARY_COLOUR = "#1D4E89"
    settings.ASSURE_SECONDARY_COLOUR = "#fc0"

    response = client.get(reverse("portal:theme_css"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/css; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=86400"
    assert response.content.decode() == (
        ":root { --assure-primary: #1d4e89; --assure-secondary: #ffcc00; }\n"
    )


@pytest.mark.parametrize("bad", ["red", "#12345", "1d4e89", "#1d4e89; } body { display: none", ""])
def test_a_colour_that_is_not_hex_falls_back_to_the_default(client, db, settings, bad):
    settings.ASSURE_PRIMARY_COLOUR = bad

    css = client.get(reverse("portal:theme_css")).content.decode()

    assert css == ":root { --assure-primary: #0b5c55; --assure-secondary: #f2c14e; }\n"


def test_the_theme_url_changes_with_the_colours(client, db, settings):
    settings.ASSURE_PRIMARY_COLOUR = "#1d4e89"

    assert 'href="/theme.css?v=1d4e89f2c14e"' in client.get("/").content.decode()


def test_the_theme_is_only_read(client, db):
    assert client.post(reverse("portal:theme_css")).status_code == 405


def test_contrast_ratios_follow_wcag():
    assert contrast_ratio("#000000") == pytest.approx(21)
    assert contrast_ratio("#ffffff") == pytest.approx(1)
    assert contrast_ratio("#767676") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#0b5c55") > 4.5


def portal_warnings():
    return [m for m in run_checks() if m.id.startswith("assure.portal.")]


def test_the_default_colours_pass_the_checks():
    assert portal_warnings() == []


def test_a_pale_primary_colour_is_warned_with_its_ratio(settings):
    settings.ASSURE_PRIMARY_COLOUR = "#f2c14e"

    [warning] = portal_warnings()

    assert warning.id == "assure.portal.W001"
    assert "contrast ratio of 1.68:1 with white, below the 4.5:1" in warning.msg


def test_a_colour_that_is_not_hex_is_warned(settings):
    settings.ASSURE_SECONDARY_COLOUR = "jaune"

    [warning] = portal_warnings()

    assert warning.id == "assure.portal.W002"
    assert "'jaune' is not a hex colour" in warning.msg


def test_no_template_wears_the_gov_uk_brand():
    for template in ASSURE.glob("**/templates/**/*.html"):
        content = COMMENTS.sub("", template.read_text())
        for word in ("GOV.UK", "govuk-logo", "govuk-header__logotype", "crown", "crest"):
            assert word not in content, f"{template} contains {word!r}"


def test_the_stylesheet_loads_no_gov_uk_font_or_image():
    css = STYLESHEET.read_text()  # built by `npm run build`

    assert "GDS Transport" not in css
    assert "crest" not in css and "crown" not in css
    assert "url(" not in css
    assert 'font-family:system-ui,-apple-system,"Segoe UI",Roboto' in css
    assert "var(--assure-primary, #0b5c55)" in css
