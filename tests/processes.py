"""Helpers for tests that run the portal as real processes (`assure serve`, `assure worker`).

Those processes cannot see pytest-django's test database: each test gets its
own database (a SQLite file, or a fresh PostgreSQL database when the suite
runs on PostgreSQL), migrated by a real `assure migrate`.
"""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from contextlib import contextmanager


@contextmanager
def own_database(tmp_path):
    """A DATABASE_URL of its own: a SQLite file, or a new PostgreSQL database."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'assure.sqlite3'}"
        return
    import psycopg

    name = f"assure_{uuid.uuid4().hex[:12]}"
    admin = psycopg.connect(url, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.rsplit("/", 1)[0] + "/" + name
    finally:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.close()


def portal_env(tmp_path, database_url, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_ALLOW"))}
    env.update(
        DJANGO_SETTINGS_MODULE="assure.settings",
        DATABASE_URL=database_url,
        ASSURE_VAR_DIR=str(tmp_path),
        ASSURE_HTTPS="0",
        ASSURE_ACCESS_LOG="0",
        SECRET_KEY="tests-" + "k" * 50,
        LOG_LEVEL="WARNING",
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


def assure(env, *args, **kwargs):
    return subprocess.run(
        [sys.executable, "-m", "assure.cli", *args], env=env, check=True, **kwargs
    )


def python(env, code):
    """Runs Django code in a fresh process against env's database; returns stdout."""
    script = "import django\ndjango.setup()\n" + code
    return subprocess.run(
        [sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True
    ).stdout


@contextmanager
def serving(env, workers=1):
    """`assure serve` on a socket this test binds and listens on (port 0: the
    kernel's choice, which no other process can take meanwhile), handed down
    to gunicorn as `fd://`; yields its base URL once the portal answers."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=64)
    port = listener.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "assure.cli",
            "serve",
            "--bind",
            f"fd://{listener.fileno()}",
            "--workers",
            str(workers),
        ],
        env=env,
        pass_fds=[listener.fileno()],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    listener.close()  # the server holds it now
    try:
        wait_until_answering(url, server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=60)


def wait_until_answering(url, server, deadline_seconds=120):
    """Until `url` answers HTTP (any status): the socket accepts connections as
    soon as it listens, before gunicorn has loaded the portal."""
    deadline = time.monotonic() + deadline_seconds
    while True:
        try:
            urllib.request.urlopen(url + "/", timeout=10).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            if server.poll() is not None:
                raise RuntimeError(f"assure serve stopped (exit {server.returncode})") from None
            if time.monotonic() > deadline:
                raise RuntimeError(f"assure serve did not answer in {deadline_seconds} s") from None
            time.sleep(0.1)


class Browserless:
    """A minimal HTTP client with cookies that fills Django forms (CSRF included)."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, url):
        with self.opener.open(url, timeout=30) as response:
            return response.read().decode()

    def submit(self, url, data):
        return self.post(url, {"csrfmiddlewaretoken": self.form_token(url), **data})

    def form_token(self, url):
        """The CSRF token of the form at url (its cookie is kept)."""
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.get(url)).group(1)

    def post(self, url, data):
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(url, data=body, headers={"Referer": url})
        with self.opener.open(request, timeout=30) as response:
            return response.geturl(), response.read().decode()


def query(database_url, sql):
    """Rows of a read-only SQL query on a process test's own database."""
    if database_url.startswith("sqlite:///"):
        import sqlite3

        with sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=20) as db:
            return db.execute(sql).fetchall()
    import psycopg

    with psycopg.connect(database_url) as db:
        return db.execute(sql).fetchall()
