"""What the layout and the blank forms render once by the process follows
the settings and the address the portal is served at."""

from wsgiref.util import setup_testing_defaults

import pytest
from django.core.wsgi import get_wsgi_application

pytestmark = pytest.mark.django_db


def test_the_layout_follows_the_funds_settings(client, settings):
    assert "Caisse de l'Exemple" not in client.get("/connexion/").text
    settings.ASSURE_FUND_NAME = "Caisse de l'Exemple"
    settings.ASSURE_FUND_PHONE = "01 23 45 67 89"

    page = client.get("/connexion/").text
    assert '<a class="assure-header__name" href="/">Caisse de l&#x27;Exemple</a>' in page
    assert 'href="tel:0123456789"' in page


def sign_in_page(script_name):
    """The sign-in page through Django's WSGI handler, which sets the script
    prefix from SCRIPT_NAME as gunicorn gives it (the test client does not)."""
    environ = {"PATH_INFO": "/connexion/", "SCRIPT_NAME": script_name, "HTTPS": "on"}
    environ |= {"HTTP_HOST": "testserver", "wsgi.url_scheme": "https"}
    setup_testing_defaults(environ)
    statuses = []
    body = get_wsgi_application()(environ, lambda status, headers: statuses.append(status))
    assert statuses == ["200 OK"]
    return b"".join(body).decode()


def test_links_written_once_keep_the_path_the_portal_is_served_under():
    under_a_path = sign_in_page("/portail")
    at_the_root = sign_in_page("")

    assert 'href="/portail/">' in under_a_path
    assert 'href="/portail/demande-de-code/"' in under_a_path
    assert 'href="/portail/' not in at_the_root
    assert 'href="/demande-de-code/"' in at_the_root
