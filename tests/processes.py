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
import urllib.parse
import urllib.request
import uuid
from contextlib import contextmanager


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
    """`assure serve` on a free port; yields its base URL."""
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "assure.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("assure serve did not start") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=20)


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
