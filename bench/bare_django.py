"""The floor of bench/public_pages.py: a bare Django project in one module.

Served by the same gunicorn as `assure serve` (same configuration, same number
of workers), with the middleware classes the portal takes from Django, in the
portal's order, and the same language and time zone settings. Its one page is
a small template with a form written in it, two fields (identifier and
password, as the portal's sign-in), its CSRF token and a link to a stylesheet:
what Django itself costs to answer an anonymous visitor a form.

    python -m gunicorn bare_django:application   (from bench/)
"""

import os

import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.shortcuts import render
from django.urls import path

HERE = os.path.dirname(os.path.abspath(__file__))

PAGE = """<!DOCTYPE html>
<html lang="fr">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Se connecter</title><link rel="stylesheet" href="/static/main.css"></head>
<body>
<main>
<h1>Se connecter</h1>
<form method="post" novalidate>{% csrf_token %}
<label for="identifier">Identifiant</label>
<input type="text" id="identifier" name="identifier" maxlength="15" autocomplete="username">
<label for="password">Mot de passe</label>
<input type="password" id="password" name="password" autocomplete="current-password">
<button type="submit">Se connecter</button>
</form>
</main>
</body>
</html>
"""


def page(request):
    return render(request, "page.html")


urlpatterns = [path("", page)]

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bare-django-" + "x" * 50,
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
        ],
        MIDDLEWARE=[
            "django.middleware.security.SecurityMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
        ],
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "OPTIONS": {
                    "loaders": [("django.template.loaders.locmem.Loader", {"page.html": PAGE})],
                    "context_processors": ["django.template.context_processors.request"],
                },
            }
        ],
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": os.path.join(os.environ.get("ASSURE_VAR_DIR", HERE), "bare.sqlite3"),
            }
        },
        LANGUAGE_CODE="fr-fr",
        TIME_ZONE="Europe/Paris",
        USE_I18N=True,
        USE_TZ=True,
    )
    django.setup()

application = get_wsgi_application()
