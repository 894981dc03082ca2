"""Helpers for tests that run the portal as real processes (`assure serve`, `assure worker`).

Those processes cannot see pytest-django's test database: each test gets its
own database (a SQLite file, or a fresh PostgreSQL database when the suite
runs on PostgreSQL), migrated by a real `assure migrate`.
"""

import functools
import glob
import http.cookiejar
import importlib.machinery
import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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
def serving(env, workers=1, log=None):
    """`assure serve` on a socket this test binds and listens on (port 0: the
    kernel's choice, which no other process can take meanwhile), handed down
    to gunicorn as `fd://`; yields its base URL once the portal answers.
    Its output goes to the file `log` when given."""
    output = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115 (closed below)
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
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    listener.close()  # the server holds it now
    try:
        wait_until_answering(url, server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=60)
        if log:
            output.close()


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
            self.headers = response.headers  # of the last page, after redirects
            return response.read().decode()

    def answer(self, url, data=None):
        """(status, headers, page) of a GET, or a POST of `data`: an HTTP
        error is an answer too (a 503 page)."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers={"Referer": url})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def session_key(self):
        return next((c.value for c in self.jar if c.name == "assure_session"), None)

    def submit(self, url, data):
        return self.post(url, {"csrfmiddlewaretoken": self.form_token(url), **data})

    def form_token(self, url):
        """The CSRF token of the form at url (its cookie is kept)."""
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.get(url)).group(1)

    def post(self, url, data):
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(url, data=body, headers={"Referer": url})
        with self.opener.open(request, timeout=30) as response:
            self.headers = response.headers
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


def count(database_url, sql):
    [(n,)] = query(database_url, sql)
    return n


def wait_for(check, what, seconds=180):
    """Polls `check()` until it is true (returned); a loaded machine is slow,
    hence the generous deadline, which costs nothing when all goes well."""
    deadline = time.monotonic() + seconds
    while not (result := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not after {seconds} s")
        time.sleep(0.05)
    return result


@functools.cache
def cluster_script():
    """scripts/cluster, loaded as a module (it has no .py suffix)."""
    path = str(ROOT / "scripts" / "cluster")
    loader = importlib.machinery.SourceFileLoader("cluster", path)
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader("cluster", loader))
    loader.exec_module(module)
    return module


@contextmanager
def running_cluster(folder, smtp, **extra):
    """scripts/cluster's Cluster on a database of its own, sending its e-mail
    to `smtp` (tests/smtp.py); `extra` adds to its processes' environment."""
    script = cluster_script()
    with own_database(folder) as database_url:
        email_url = f"smtp://127.0.0.1:{smtp.port}"
        env = script.cluster_env(folder, database_url, EMAIL_URL=email_url, **extra)
        with script.Cluster(folder, env) as cluster:
            cluster.smtp, cluster.database_url = smtp, database_url
            yield cluster


MEMBERS = """
import json
from tests.members.factories import MemberFactory
from assure.accounts.models import User
active = []
for n in range({active}):
    member = MemberFactory(email=f"actif{{n}}@exemple.test")
    user = User(member=member, username=member.nir)
    user.set_password({password!r})
    user.save()
    active.append(member.nir)
new = [MemberFactory(email=f"nouveau{{n}}@exemple.test") for n in range({new})]
print(json.dumps({{"active": active, "new": [{{
    "last_name": m.last_name, "first_name": m.first_name, "nir": m.nir,
    "birth_date_0": m.birth_date.day, "birth_date_1": m.birth_date.month,
    "birth_date_2": m.birth_date.year, "postcode": m.postcode,
}} for m in new]}}))
"""


def make_members(env, password, active=1, new=1):
    """Members in env's database: `active` with an account (their NIRs), `new`
    without one (the « Je demande un code » form filled for each); e-mails
    actif<n>@exemple.test and nouveau<n>@exemple.test."""
    return json.loads(python(env, MEMBERS.format(password=password, active=active, new=new)))


def refuses_connections(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    except ConnectionRefusedError:
        return True
    except OSError:
        return False
    return False


def process_connected_from(pids, port):
    """Which of these processes holds the TCP socket bound to local `port`
    (Linux /proc: the socket's inode, then the process with it open)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as rows:
            for row in list(rows)[1:]:
                fields = row.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(f"socket:[{fields[9]}]")
    for pid in pids:
        for fd in glob.glob(f"/proc/{pid}/fd/*"):
            try:
                if os.readlink(fd) in inodes:
                    return pid
            except OSError:
                continue
    return None


class PostgreSQL:
    """A PostgreSQL server of one test's own, in a temporary folder, that the
    test may stop (`stop()`: immediate, as a crash) and start again on the
    same port. As root, it runs as the `postgres` user (it refuses root)."""

    def __init__(self):
        self.bin = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1])
        self.folder = Path(tempfile.mkdtemp(prefix="assure-pg-"))
        self.as_postgres = []
        if os.getuid() == 0:
            shutil.chown(self.folder, "postgres")
            self.as_postgres = ["runuser", "-u", "postgres", "--"]
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        data = self.folder / "data"
        self.pg("initdb", "-D", data, "-A", "trust", "-U", "postgres", "--locale=C.UTF-8")

    def pg(self, program, *args, check=True):
        argv = [*self.as_postgres, str(self.bin / program), *map(str, args)]
        subprocess.run(argv, check=check, capture_output=True)

    def start(self):
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        data, log = self.folder / "data", self.folder / "log"
        self.pg("pg_ctl", "-D", data, "-l", log, "-w", "start", "-o", options)

    def stop(self, mode="immediate", check=True):
        self.pg("pg_ctl", "-D", self.folder / "data", "-m", mode, "-w", "stop", check=check)

    def remove(self):
        self.stop(check=False)
        shutil.rmtree(self.folder, ignore_errors=True)


@contextmanager
def postgres_server():
    server = PostgreSQL()
    try:
        server.start()
        yield server
    finally:
        server.remove()
