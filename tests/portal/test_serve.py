"""`assure serve` as it runs in production: gunicorn with the portal's settings."""

import urllib.error
import urllib.request

from tests.processes import portal_env, serving


def test_several_servers_on_one_host_share_no_control_socket_and_name_no_software(tmp_path):
    env = portal_env(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}", HOME=tmp_path)
    env.pop("XDG_RUNTIME_DIR", None)
    with serving(env) as first, serving(env) as second:
        for server in (first, second):
            with urllib.request.urlopen(f"{server}/static/assure/css/main.css") as response:
                assert response.headers["Server"] == "assure"
                assert response.headers["X-Frame-Options"] == "DENY"
            trace = urllib.request.Request(f"{server}/", method="TRACE")
            try:
                urllib.request.urlopen(trace)
            except urllib.error.HTTPError as error:
                assert error.code == 405
            else:
                raise AssertionError("TRACE answered")
    assert not list(tmp_path.rglob("*.ctl"))
