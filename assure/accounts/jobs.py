"""What `assure worker` does for the accounts (registered in AccountsConfig.ready)."""

from assure.outbox import jobs

from .models import CodeRequest


@jobs.register
def answer_forgotten_code_requests():
    """Match the stored "J'ai oublié mon code" requests and issue their codes
    (see CodeRequest): their e-mails leave in the same pass of the worker."""
    return CodeRequest.objects.process_pending()
