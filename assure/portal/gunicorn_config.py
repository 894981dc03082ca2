"""gunicorn's settings for `assure serve` (loaded with -c python:assure.portal.gunicorn_config).

- No control socket: gunicorn ≥ 25 opens one per user by default
  (~/.gunicorn/gunicorn.ctl), so several `assure serve` on one host would share
  it and stopping one would delete it for the others. `assure serve` is
  managed by signals and the supervisor, not by `gunicornc`.
- The `Server` header says "assure" rather than gunicorn's name: it tells an
  attacker nothing about the software behind the portal.
"""

import gunicorn.http.wsgi

control_socket_disable = True

gunicorn.http.wsgi.SERVER = "assure"
