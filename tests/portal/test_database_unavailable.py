"""The French 503 page members see while PostgreSQL is down or restarting."""

import logging

import pytest
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import InterfaceError, OperationalError
from django.urls import path, reverse

from assure.urls import handler500  # noqa: F401 (the portal's, for these test URLs)


@login_not_required
def refused(request):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')


@login_not_required
def closed(request):
    raise InterfaceError("connection already closed")


urlpatterns = [path("refused/", refused), path("closed/", closed)]


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("url", ["/refused/", "/closed/"])
def test_a_lost_database_is_a_french_503_with_retry_after(client, url):
    client.raise_request_exception = False
    response = client.get(url)

    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert html.count("<h1") == 1
    assert '<h1 class="govuk-heading-l">Service momentanément indisponible</h1>' in html
    assert "Réessayez dans quelques minutes." in html
    assert "Traceback" not in html


@pytest.mark.urls(__name__)
def test_the_outage_is_logged_once_as_a_warning_without_traceback(client, caplog):
    client.raise_request_exception = False
    with caplog.at_level(logging.WARNING):
        client.get("/refused/")

    [record] = [r for r in caplog.records if r.name == "assure.portal.middleware"]
    assert record.levelno == logging.WARNING
    assert record.exc_info is None
    assert "port 5432 failed" in record.getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.urls(__name__)
def test_other_errors_stay_500(client):
    @login_not_required
    def broken(request):
        raise ValueError("bug")

    urlpatterns.append(path("broken/", broken))
    client.raise_request_exception = False
    try:
        response = client.get("/broken/")
    finally:
        urlpatterns.pop()

    assert response.status_code == 500


def test_a_session_that_cannot_be_read_is_the_503_too(client, db, monkeypatch, caplog):
    """During an outage the first query is the session read in the
    middleware, before any view: handler500 turns it into the 503 page,
    and nothing tries the database again on the way out (once is enough
    to wait for a connection that will not come)."""
    client.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32
    client.raise_request_exception = False

    def lost(self):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("assure.accounts.sessions.SessionStore.load", lost)
    with caplog.at_level(logging.WARNING):
        response = client.get(reverse("payments:index"))

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert response["Cache-Control"] == "no-store"
    assert "Service momentanément indisponible" in response.content.decode()
    [warning] = caplog.records
    assert warning.getMessage() == (
        "Base de données indisponible : server closed the connection unexpectedly"
    )
