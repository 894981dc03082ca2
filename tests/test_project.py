"""The project as an operator meets it: migrations, production checks, commands."""

import os
import subprocess
import sys

from django.core.management import call_command


def test_no_model_change_lacks_a_migration(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def assure(*args, **env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "assure.cli", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = assure(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="a-production-secret-" + "x" * 40,
        ASSURE_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_https_is_on_by_default_and_off_on_request(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0)"
    )
    on = assure("shell", "-v", "0", "-c", code, ASSURE_VAR_DIR=str(tmp_path))
    assert on.stdout.split() == ["True", "True", "True"], on.stderr
    off = assure("shell", "-v", "0", "-c", code, ASSURE_VAR_DIR=str(tmp_path), ASSURE_HTTPS="0")
    assert off.stdout.split() == ["False", "False", "False"], off.stderr


def test_a_secret_key_is_made_once_and_kept_private(tmp_path):
    first = assure(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
        ASSURE_VAR_DIR=str(tmp_path),
    )
    again = assure(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
        ASSURE_VAR_DIR=str(tmp_path),
    )
    assert first.stdout == again.stdout and len(first.stdout.strip()) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_email_url_selects_the_smtp_server():
    from assure.settings import email_settings

    assert email_settings("smtp+tls://moi%40caisse.fr:s3cr%C3%A9t@smtp.exemple:587") == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.exemple",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "moi@caisse.fr",
        "EMAIL_HOST_PASSWORD": "s3crét",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 20,
    }
    assert email_settings("smtps://smtp.exemple")["EMAIL_PORT"] == 465


def test_postgresql_prepares_the_queries_a_connection_runs_again(tmp_path):
    code = "from django.conf import settings as s; print(s.DATABASES['default']['OPTIONS'])"
    url = "postgres://assure@db.exemple/assure?sslmode=require"
    on = assure("shell", "-v", "0", "-c", code, ASSURE_VAR_DIR=str(tmp_path), DATABASE_URL=url)
    assert on.stdout.strip() == (
        "{'sslmode': 'require', 'server_side_binding': True, 'prepare_threshold': 5}"
    ), on.stderr
    off = assure(
        "shell",
        "-v",
        "0",
        "-c",
        code,
        ASSURE_VAR_DIR=str(tmp_path),
        DATABASE_URL=url,
        DATABASE_PREPARED_STATEMENTS="0",
    )
    assert off.stdout.strip() == "{'sslmode': 'require'}", off.stderr


def test_the_tests_database_prepares_queries_when_it_is_postgresql(db):
    from django.db import connection

    from assure.members.models import Member

    for _ in range(6):
        list(Member.objects.filter(postcode="76000"))
    if connection.vendor != "postgresql":
        assert "server_side_binding" not in connection.settings_dict["OPTIONS"]
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]
    assert any('"members_member"."postcode" = $1' in statement for statement in prepared)
