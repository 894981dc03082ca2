"""`assure serve` as it runs in production: gunicorn with the portal's settings."""

import socket
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


def test_what_gunicorn_refuses_gets_a_french_page(tmp_path):
    env = portal_env(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}")
    with serving(env) as server:
        too_long = f"{server}/?nom={'a' * 10_000}"
        for url, headers, status, title in (
            (too_long, {}, 414, "Adresse trop longue"),
            (f"{server}/", {"X-Big": "b" * 9_000}, 431, "Demande trop volumineuse"),
        ):
            try:
                urllib.request.urlopen(urllib.request.Request(url, headers=headers))
            except urllib.error.HTTPError as error:
                page = error.read().decode()
                assert error.code == status
                assert '<html lang="fr">' in page
                assert f"<h1>{title}</h1>" in page
                assert error.headers["Content-Type"] == "text/html; charset=utf-8"
            else:
                raise AssertionError(f"{status} expected")


def test_a_malformed_request_line_gets_a_french_page(tmp_path):
    env = portal_env(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}")
    with serving(env) as server:
        host, port = server.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=30) as connection:
            connection.sendall(b"GET /\x01 nonsense\r\n\r\n")
            answer = b""
            while chunk := connection.recv(65536):
                answer += chunk
    head, _, page = answer.decode().partition("\r\n\r\n")
    assert head.startswith("HTTP/1.1 400")
    assert '<html lang="fr">' in page and "<h1>Demande non comprise</h1>" in page
