"""gunicorn's settings for `assure serve` (loaded with -c python:assure.portal.gunicorn_config).

- No control socket: gunicorn ≥ 25 opens one per user by default
  (~/.gunicorn/gunicorn.ctl), so several `assure serve` on one host would share
  it and stopping one would delete it for the others. `assure serve` is
  managed by signals and the supervisor, not by `gunicornc`.
- The `Server` header says "assure" rather than gunicorn's name: it tells an
  attacker nothing about the software behind the portal.
- Requests gunicorn refuses before Django sees them (a URL over
  `limit_request_line`, headers too large, a malformed request line) get a
  short French page with `lang="fr"` instead of gunicorn's English one.

gunicorn has no setting for the last two: its module attributes are replaced
here, in the master before it forks its workers (tests/portal/test_serve.py
checks both against the real server, so an upgrade that moves them fails there).
"""

import html

import gunicorn.http.wsgi
import gunicorn.util

control_socket_disable = True

gunicorn.http.wsgi.SERVER = "assure"

REFUSALS = {
    414: (
        "Adresse trop longue",
        "L'adresse de la page est trop longue : un champ contient sans doute trop de texte. "
        "Revenez à la page précédente, raccourcissez ce que vous avez saisi et réessayez.",
    ),
    431: (
        "Demande trop volumineuse",
        "Votre navigateur a envoyé trop d'informations avec sa demande. Fermez-le, "
        "rouvrez-le et réessayez ; si le problème continue, effacez les cookies de ce site.",
    ),
}
DEFAULT_REFUSAL = (
    "Demande non comprise",
    "Le portail n'a pas compris la demande de votre navigateur. Revenez à la page "
    "d'accueil et réessayez.",
)
PAGE = """<!DOCTYPE html>
<html lang="fr">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body {{ font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; }}</style>
</head>
<body>
<h1>{title}</h1>
<p>{text}</p>
<p><a href="/">Revenir à la page d'accueil</a></p>
</body>
</html>
"""


def write_error(sock, status_int, reason, mesg):
    """gunicorn's error answer, in French (its `mesg`, which may echo the
    request, is only logged by gunicorn, never shown)."""
    title, text = REFUSALS.get(status_int, DEFAULT_REFUSAL)
    body = PAGE.format(title=html.escape(title), text=html.escape(text)).encode()
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: text/html; charset=utf-8\r\n"
        "Content-Language: fr\r\n"
        "X-Content-Type-Options: nosniff\r\n"
        "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    gunicorn.util.write_nonblock(sock, head.encode("latin-1") + body)


gunicorn.util.write_error = write_error
