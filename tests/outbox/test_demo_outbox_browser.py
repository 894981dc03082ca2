"""A trainer follows a code in the demo outbox, on a phone, with a keyboard."""

import pytest
from django.urls import reverse

from assure.outbox.models import Email, Letter
from tests.browser import assert_accessible, assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 320])
def test_the_outbox_pages_are_accessible(
    browser_page, live_server, settings, helene, bertrand, code_context, width
):
    settings.ASSURE_DEMO = True
    email = Email.objects.queue(helene.email, "code", code_context(helene), member=helene)
    letter = Letter.objects.queue(bertrand, "code", code_context(bertrand, code="3FHP 7WCE"))

    page = browser_page(width=width)
    page.goto(live_server.url + reverse("outbox:demo_outbox"))
    assert_accessible(page)
    assert_no_horizontal_scroll(page)

    page.get_by_role("link", name=email.subject).click()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    assert "MK4T 9QXA" in page.content()

    response = page.request.get(live_server.url + reverse("outbox:demo_letter", args=[letter.pk]))
    assert response.headers["content-type"] == "application/pdf"
