from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import redirect, render
from django.utils import timezone

from assure.accounts.models import SecurityEvent
from assure.members.models import Beneficiary, RightsPeriod
from assure.portal.pages import member_required

from .email_change import EmailChange, LinkError
from .forms import AddressForm, EmailForm, PhoneForm


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
    sign_ins = SecurityEvent.objects.last_sign_ins(member, 5)
    context = {"member": member, "today": today, "sign_ins": sign_ins}
    return render(request, "information/index.html", context)


@member_required
def address(request, member):
    form = AddressForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        form.save(request)
        messages.success(request, "Votre adresse est enregistrée.")
        return redirect("information:index")
    return render(request, "information/address.html", {"form": form})


@member_required
def phone(request, member):
    form = PhoneForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        form.save(request)
        if form.cleaned_data["phone"]:
            messages.success(request, "Votre numéro de téléphone est enregistré.")
        else:
            messages.success(request, "Votre numéro de téléphone est retiré.")
        return redirect("information:index")
    return render(request, "information/phone.html", {"form": form})


@member_required
def email(request, member):
    form = EmailForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        EmailChange.request(member, form.cleaned_data["email"], request)
        request.session["email_change_sent"] = form.cleaned_data["email"]
        return redirect("information:email_sent")
    return render(request, "information/email.html", {"form": form, "member": member})


@member_required
def email_sent(request, member):
    new_email = request.session.get("email_change_sent")
    if new_email is None:
        return redirect("information:email")
    return render(request, "information/email_sent.html", {"new_email": new_email})


@login_not_required
def confirm_email(request, token):
    try:
        if request.method == "POST":
            change = EmailChange.confirm(token, request)
            request.session.pop("email_change_sent", None)
            return render(request, "information/email_changed.html", {"change": change})
        change = EmailChange.from_token(token)
    except LinkError as error:
        status = 400 if error.reason == "invalid" else 200
        return render(
            request, "information/email_link_error.html", {"reason": error.reason}, status=status
        )
    return render(request, "information/confirm_email.html", {"new_email": change.new_email})
