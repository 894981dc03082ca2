"""`assure worker`: run the apps' jobs, send the queued e-mails.

Each pass first runs the jobs the apps registered (outbox/jobs.py: accounts
answers the forgotten-code requests there, which queues their e-mails or
letters), then sends the due e-mails through the configured backend.

The worker polls committed rows every second. It claims one due e-mail at a
time with a lease (a conditional UPDATE moving `next_attempt_at` forward by
ASSURE_WORKER_LEASE seconds), so any number of workers can run side by side
without sending a row twice, and a worker killed mid-send loses nothing: the
row is due again once the lease runs out. A failed attempt is logged, kept
with its error and retried after 1, 2, 4… minutes (at most one hour), forever,
unless the code it carries expires first (outbox.models.Secret): it is then
abandoned, its code blanked.

Delivery is at-least-once: if a worker is killed (kill -9, power loss) after
the SMTP server accepted a message but before `sent_at` was written, that
e-mail is sent again after the lease. Its Message-ID stays the same, so mail
systems can recognise the copy. In normal runs, one event gives exactly one
e-mail. SIGTERM and SIGINT let the current e-mail finish, then the worker exits.
"""

import logging
import signal
import threading
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from assure.outbox import jobs
from assure.outbox.models import Email

logger = logging.getLogger("assure.outbox")


class Command(BaseCommand):
    help = (
        "Fait le travail différé des applications (codes oubliés), puis envoie les e-mails "
        "en attente (boucle ; --once pour un seul passage)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Envoyer ce qui est dû, puis s'arrêter."
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Secondes entre deux passages (1 par défaut).",
        )

    def handle(self, *args, once=False, interval=1.0, **options):
        self.stopping = threading.Event()
        lease = timedelta(seconds=getattr(settings, "ASSURE_WORKER_LEASE", 120))
        previous = self.install_signal_handlers()
        try:
            if not once:
                logger.info("Worker démarré (bail de %s s).", int(lease.total_seconds()))
            while True:
                if not once:
                    # A long-running loop drops broken or expired connections;
                    # a single pass (--once) runs in its caller's connection.
                    close_old_connections()
                jobs.run_all()
                self.send_due(lease)
                if once or self.stopping.is_set():
                    break
                self.stopping.wait(interval)
                if self.stopping.is_set():
                    break
        finally:
            if not once:
                close_old_connections()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        if not once:
            logger.info("Worker arrêté.")

    def install_signal_handlers(self):
        """Stop after the current e-mail on SIGTERM/SIGINT (main thread only)."""
        if threading.current_thread() is not threading.main_thread():
            return {}
        previous = {}
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.getsignal(signum)
            signal.signal(signum, lambda *_: self.stopping.set())
        return previous

    def send_due(self, lease):
        Email.objects.forget_expired()  # an e-mail whose code died unsent is abandoned
        while not self.stopping.is_set():
            email = Email.objects.claim_next(lease)
            if email is None:
                return
            if email.send():
                logger.info(
                    "E-mail %s (%s) envoyé, essai n° %s.", email.pk, email.template, email.attempts
                )
            else:
                logger.warning(
                    "E-mail %s (%s) non envoyé, essai n° %s : %s ; nouvel essai le %s.",
                    email.pk,
                    email.template,
                    email.attempts,
                    email.last_error,
                    f"{timezone.localtime(email.next_attempt_at):%d/%m/%Y à %H:%M:%S}",
                )
