import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Demo and training mode: fictitious fund and members, web server and mail worker."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, port=8000, **options):
        if not settings.ASSURE_DEMO:
            raise CommandError("Le mode démonstration demande ASSURE_DEMO=1 (make demo le fait).")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_demo_members")
        url = f"http://127.0.0.1:{port}/"
        self.stdout.write(
            self.style.SUCCESS(f"\nAssure (démonstration) : ouvrez {url}\n")
            + f"Boîte d'envoi (e-mails et courriers produits) : {url}demo/boite-d-envoi/\n"
            + "Arrêt : Ctrl+C\n"
        )
        self.stdout.flush()

        assure = [sys.executable, "-m", "assure.cli"]
        # Links in e-mails and letters point at this demo server.
        env = {**os.environ, "ASSURE_PUBLIC_URL": os.environ.get("ASSURE_PUBLIC_URL", url)}
        children = [
            subprocess.Popen([*assure, "serve", "--port", str(port)], env=env),
            subprocess.Popen([*assure, "worker"], env=env),
        ]
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
        os._exit(0)
