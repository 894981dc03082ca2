import time
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from assure.lib.client import client_ip
from assure.members.models import Member
from assure.payments.models import Payment
from assure.portal.pages import member_required

from .forms import (
    ChangePasswordForm,
    ChoosePasswordForm,
    CloseAccountForm,
    ForgottenCodeForm,
    RequestCodeForm,
    SignInForm,
)
from .models import CodeRequest, ProvisionalCode, SecurityEvent, SignIn, Throttle, User

BACKEND = "assure.accounts.backends.MemberBackend"
ACTIVATION_MINUTES = 15


def client_may_request(request, form):
    """Per-address cap on code requests, shared by every server process.
    When it is reached, the form gets the error to show."""
    row = Throttle.hit(
        f"client-requests:{client_ip(request)}",
        window=timedelta(hours=1),
        limit=settings.ASSURE_CLIENT_REQUESTS_PER_HOUR + 1,
    )
    if row.locked_until is None:
        return True
    form.add_error(
        None,
        "Trop de demandes ont été faites depuis cet appareil. Réessayez dans une heure "
        f"ou contactez votre caisse au {settings.ASSURE_FUND_PHONE}.",
    )
    return False


NO_MATCH = (
    "Nous n'avons pas trouvé d'assuré correspondant à ces informations. Vérifiez qu'elles sont "
    "identiques à celles de votre carte Vitale ou de votre attestation de droits ; pour le nom, "
    "essayez aussi votre nom de naissance. Si le problème continue, contactez votre caisse "
    "au {phone}."
)


@login_not_required
def sign_in(request):
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = User.objects.sign_in(
            form.cleaned_data["nir"], form.cleaned_data["secret"], request
        )
        if result.status == SignIn.SUCCESS:
            login(request, result.user, backend=BACKEND)
            next_url = request.GET.get("next", "")
            if url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
                return redirect(next_url)
            return redirect("accounts:home")
        if result.status == SignIn.CODE:
            request.session.cycle_key()
            request.session["activation"] = {"member": result.member.pk, "at": int(time.time())}
            return redirect("accounts:choose_password")
        if result.status == SignIn.ALREADY_OPEN:
            return render(request, "accounts/already_open.html")
        form.add_error("secret" if result.status == SignIn.FAILED else None, result.message)
    return render(request, "accounts/sign_in.html", {"form": form})


@login_not_required
def request_code(request):
    form = RequestCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not client_may_request(request, form):
            return render(request, "accounts/request_code.html", {"form": form})
        member = Member.objects.identify(
            nir=form.cleaned_data["nir"],
            last_name=form.cleaned_data["last_name"],
            first_name=form.cleaned_data["first_name"],
            birth_date=form.cleaned_data["birth_date"],
            postcode=form.cleaned_data["postcode"],
        )
        if member is None:
            form.add_error(None, NO_MATCH.format(phone=settings.ASSURE_FUND_PHONE))
            return render(request, "accounts/request_code.html", {"form": form})
        if hasattr(member, "account"):
            return render(request, "accounts/already_activated.html")
        code = ProvisionalCode.issue_within_quota(
            member, ProvisionalCode.EMAIL, reason="first", request=request
        )
        if code is None:
            return render(request, "accounts/quota_reached.html")
        request.session["code_sent"] = {"channel": code.channel, "email": member.masked_email}
        return redirect("accounts:code_sent")
    return render(request, "accounts/request_code.html", {"form": form})


@login_not_required
def code_sent(request):
    sent = request.session.get("code_sent")
    if sent is None:
        return redirect("accounts:request_code")
    return render(request, "accounts/code_sent.html", {"sent": sent})


@login_not_required
def forgotten_code(request):
    form = ForgottenCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not client_may_request(request, form):
            return render(request, "accounts/forgotten_code.html", {"form": form})
        CodeRequest.receive(
            form.cleaned_data["nir"],
            form.cleaned_data["birth_date"],
            form.cleaned_data["channel"],
            request,
        )
        # The same answer, in the same time, whatever the NIR: the worker answers.
        request.session["forgotten_channel"] = form.cleaned_data["channel"]
        return redirect("accounts:forgotten_code_sent")
    return render(request, "accounts/forgotten_code.html", {"form": form})


@login_not_required
def forgotten_code_sent(request):
    channel = request.session.get("forgotten_channel")
    if channel is None:
        return redirect("accounts:forgotten_code")
    return render(request, "accounts/forgotten_code_sent.html", {"channel": channel})


def pending_activation(request):
    """The member who signed in with a provisional code in the last minutes."""
    activation = request.session.get("activation")
    if not activation or time.time() - activation["at"] > ACTIVATION_MINUTES * 60:
        return None
    return Member.objects.filter(pk=activation["member"]).first()


@login_not_required
def choose_password(request):
    member = pending_activation(request)
    if member is None:
        request.session.pop("activation", None)
        return render(request, "accounts/activation_expired.html")
    form = ChoosePasswordForm(member, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user, first_time = User.objects.set_member_password(
            member, form.cleaned_data["password"], request
        )
        login(request, user, backend=BACKEND)
        request.session["password_set"] = "created" if first_time else "changed"
        return redirect("accounts:account_created")
    return render(request, "accounts/choose_password.html", {"form": form, "member": member})


@member_required
def account_created(request, member):
    outcome = request.session.get("password_set", "changed")
    return render(request, "accounts/account_created.html", {"outcome": outcome, "member": member})


@member_required
def home(request, member):
    context = {
        "member": member,
        "last_payments": Payment.objects.newest(member, 3),
    }
    return render(request, "accounts/home.html", context)


def sign_out(request):
    if request.method == "POST":
        SecurityEvent.record(SecurityEvent.SIGN_OUT, request, member=request.user.member)
        logout(request)
        return redirect("accounts:signed_out")
    return render(request, "accounts/sign_out.html")


@login_not_required
def signed_out(request):
    return render(request, "accounts/signed_out.html")


@member_required
def change_password(request, member):
    form = ChangePasswordForm(request.user, request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        request.user.change_password(form.cleaned_data["password"], request)
        update_session_auth_hash(request, request.user)
        messages.success(request, "Votre mot de passe est changé.")
        return redirect("accounts:home")
    return render(request, "accounts/change_password.html", {"form": form})


@member_required
def not_me(request, member):
    form = ChangePasswordForm(request.user, request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        request.user.change_password(form.cleaned_data["password"], request, not_me=True)
        logout(request)
        request.session["not_me_done"] = bool(member.email)
        return redirect("accounts:not_me_done")
    return render(request, "accounts/not_me.html", {"form": form})


@login_not_required
def not_me_done(request):
    if "not_me_done" not in request.session:
        return redirect("accounts:sign_in")
    return render(request, "accounts/not_me_done.html", {"emailed": request.session["not_me_done"]})


@member_required
def close_account(request, member):
    form = CloseAccountForm(request.user, request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        request.user.close(request)
        logout(request)
        request.session["account_closed"] = bool(member.email)
        return redirect("accounts:account_closed")
    return render(request, "accounts/close_account.html", {"form": form, "member": member})


@login_not_required
def account_closed(request):
    if "account_closed" not in request.session:
        return redirect("portal:home")
    emailed = request.session["account_closed"]
    return render(request, "accounts/account_closed.html", {"emailed": emailed})
