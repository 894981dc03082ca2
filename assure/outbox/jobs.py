"""Work that `assure worker` does before each sending pass, registered by apps.

The outbox carries any message and knows no app that queues one. An app that
answers some requests out of the web request (accounts answers the
forgotten-code requests there, so that the page takes the same time whatever
the NIR) registers a function when Django starts, from its AppConfig.ready():

    @jobs.register
    def answer_forgotten_code_requests():
        return CodeRequest.objects.process_pending()

Each pass of the worker runs every job, in the order registered, then sends
the due e-mails, so that an e-mail a job queues leaves in the same pass. A job
returns how many things it handled, which the worker logs when not zero. A
job that raises stops the worker, as a database error while sending does: the
supervisor restarts it and nothing committed is lost.
"""

import logging

logger = logging.getLogger("assure.outbox")

JOBS = {}  # "module.function" → function, in registration order


def register(job):
    """Run `job()` at each pass of the worker (a decorator; registering the
    same function again changes nothing)."""
    JOBS[f"{job.__module__}.{job.__qualname__}"] = job
    return job


def run_all():
    """Run every registered job once; returns {name: what it returned}."""
    results = {}
    for name, job in JOBS.items():
        results[name] = handled = job()
        if handled:
            logger.info("%s : %s traité(s).", name, handled)
    return results
