from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import render
from django.utils import timezone

from assure.accounts.views import member_required
from assure.members.models import Beneficiary, RightsPeriod


@member_required
def index(request, member):
    today = timezone.localdate()
    own = RightsPeriod.objects.filter(beneficiary=None)
    prefetch_related_objects(
        [member],
        Prefetch("rights_periods", own.current(today), to_attr="current_rights"),
        Prefetch("rights_periods", own.filter(start__gt=today), to_attr="upcoming_rights"),
        Prefetch("rights_periods", own.filter(end__lt=today), to_attr="past_rights"),
        Prefetch(
            "beneficiaries",
            Beneficiary.objects.prefetch_related(
                Prefetch(
                    "rights_periods",
                    RightsPeriod.objects.current(today),
                    to_attr="current_rights",
                )
            ),
        ),
    )
    return render(request, "information/index.html", {"member": member, "today": today})
