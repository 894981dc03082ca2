"""What every response says about itself, whatever it is."""

import pytest
from django.urls import reverse

PAGE_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def test_static_files_carry_the_security_headers(client, db):
    response = client.get("/static/assure/css/main.css")

    assert response.status_code == 200
    for header, value in PAGE_HEADERS.items():
        assert response[header] == value, header
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.parametrize("method", ["TRACE", "TRACK", "PUT", "DELETE", "PATCH", "CONNECT"])
def test_methods_the_portal_does_not_use_get_a_405(client, db, method):
    response = client.generic(method, reverse("accounts:sign_in"))

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, POST, OPTIONS"
    assert response["X-Frame-Options"] == "DENY"


def test_a_trace_does_not_echo_the_request(client, db):
    response = client.generic("TRACE", "/", HTTP_COOKIE="assure_session=secret-value")

    assert b"secret-value" not in response.content
