from django.conf import settings


def fund(request):
    """The white-label settings every template shows."""
    return {
        "fund": {
            "name": settings.ASSURE_FUND_NAME,
            "short_name": settings.ASSURE_FUND_SHORT_NAME,
            "phone": settings.ASSURE_FUND_PHONE,
            "address_lines": settings.ASSURE_FUND_ADDRESS.splitlines(),
        },
        "demo": settings.ASSURE_DEMO,
        "idle_timeout_minutes": settings.ASSURE_IDLE_TIMEOUT // 60,
    }
