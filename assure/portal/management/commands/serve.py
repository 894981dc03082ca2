import os
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Runs the portal with gunicorn (static files served by whitenoise)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", help="address:port to listen on (default 127.0.0.1:8000)")
        parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1")
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 2)),
            help="worker processes (default: WEB_CONCURRENCY or the number of cores)",
        )

    def handle(self, *args, bind=None, port=8000, workers=2, **options):
        bind = bind or f"127.0.0.1:{port}"
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "assure.wsgi:application",
            "--config",
            "python:assure.portal.gunicorn_config",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
            "--forwarded-allow-ips",
            os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
            "--max-requests",
            "5000",
            "--max-requests-jitter",
            "500",
        ]
        if os.environ.get("ASSURE_ACCESS_LOG", "1") == "0":
            argv[argv.index("--access-logfile") : argv.index("--access-logfile") + 2] = []
        self.stdout.write(f"Assure sur http://{bind}/ ({workers} processus)")
        self.stdout.flush()
        os.execv(sys.executable, argv)
