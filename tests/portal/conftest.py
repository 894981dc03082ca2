from tests.browser import (  # noqa: F401  (pytest fixtures)
    browser,
    browser_page,
    live_server,
    plain_http_server,
)
