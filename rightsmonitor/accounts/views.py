"""Log-in (with a second factor), profile, passwords, two-factor set-up, users and invitations.

Thin views: check access through ``access``, validate a form, call an ``actions`` function,
redirect. The second factor at log-in is a separate step: after the password, the user id waits
in the session until a code from the authenticator app (or a backup code) is accepted.
"""

from __future__ import annotations

import time
from typing import Any

import django_otp
from axes.utils import reset as reset_login_failures
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from rightsmonitor.accounts import actions, two_factor
from rightsmonitor.accounts.access import can_change_user, can_invite, can_manage_users
from rightsmonitor.accounts.forms import (
    AcceptInvitationForm,
    ConfirmAuthenticatorForm,
    InvitationForm,
    LoginForm,
    ProfileForm,
    RoleForm,
    TwoFactorCodeForm,
)
from rightsmonitor.accounts.models import Invitation, User
from rightsmonitor.core.ratelimit import RateLimit

PENDING_LOGIN_KEY = "accounts:pending_login"
NEW_BACKUP_CODES_KEY = "accounts:new_backup_codes"
MAX_CODE_ATTEMPTS = 5
PENDING_LOGIN_SECONDS = 10 * 60
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
USERS_PER_PAGE = 50


def _user(request: HttpRequest) -> User:
    """The logged-in user (for views behind login_required)."""
    user = request.user
    assert isinstance(user, User)
    return user


def _is_verified(request: HttpRequest) -> bool:
    """Whether this session has passed a second factor (django-otp's middleware sets this)."""
    return bool(getattr(request.user, "is_verified", lambda: False)())


def _safe_next(request: HttpRequest, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def _home_for(user: User) -> str:
    """Where to land after logging in: the home page in the user's preferred language."""
    with translation.override(user.preferred_language):
        return resolve_url(settings.LOGIN_REDIRECT_URL)


# Log-in --------------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        user = form.get_user()
        if two_factor.has_two_factor(user):
            # The password was right; log in only once the second factor is too.
            self.request.session[PENDING_LOGIN_KEY] = {
                "user_id": user.pk,
                "backend": getattr(user, "backend", MODEL_BACKEND),
                "next": self.get_redirect_url(),
                "failures": 0,
                "started": int(time.time()),
            }
            return redirect("accounts:login_verify")
        return super().form_valid(form)

    def get_default_redirect_url(self) -> str:
        user = self.request.user
        if isinstance(user, User):
            return _home_for(user)
        return super().get_default_redirect_url()


def _pending_login(request: HttpRequest) -> dict[str, Any] | None:
    pending = request.session.get(PENDING_LOGIN_KEY)
    if not isinstance(pending, dict):
        return None
    if time.time() - pending.get("started", 0) > PENDING_LOGIN_SECONDS:
        del request.session[PENDING_LOGIN_KEY]
        messages.info(request, _("That took too long. For your security, please log in again."))
        return None
    return pending


@never_cache
@sensitive_post_parameters("code", "backup_code")
def login_verify(request: HttpRequest) -> HttpResponse:
    pending = _pending_login(request)
    user = None
    if pending is not None:
        user = User.objects.filter(pk=pending["user_id"], is_active=True).first()
    if pending is None or user is None:
        request.session.pop(PENDING_LOGIN_KEY, None)
        return redirect("accounts:login")

    form = TwoFactorCodeForm(request.POST or None, user=user)
    if request.method == "POST":
        if form.is_valid():
            del request.session[PENDING_LOGIN_KEY]
            login(request, user, backend=pending["backend"])
            django_otp.login(request, form.device)
            if isinstance(form.device, StaticDevice):
                left = two_factor.backup_codes_left(user)
                messages.warning(
                    request,
                    ngettext(
                        "You used a backup code; %(count)s is left. Each works only once.",
                        "You used a backup code; %(count)s are left. Each works only once.",
                        left,
                    )
                    % {"count": left},
                )
            return redirect(_safe_next(request, pending["next"]) or _home_for(user))
        if form.code_checked:
            pending["failures"] += 1
            if pending["failures"] >= MAX_CODE_ATTEMPTS:
                del request.session[PENDING_LOGIN_KEY]
                messages.error(
                    request, _("Too many wrong codes. For your security, please log in again.")
                )
                return redirect("accounts:login")
            request.session[PENDING_LOGIN_KEY] = pending
    return render(
        request,
        "accounts/login_verify.html",
        {"form": form, "attempts_left": MAX_CODE_ATTEMPTS - pending["failures"]},
    )


logout = auth_views.LogoutView.as_view()


# Profile and passwords -----------------------------------------------------------------------


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        actions.update_profile(user, **form.cleaned_data, by=user)
        messages.success(request, _("Your profile has been saved."))
        with translation.override(user.preferred_language):
            return redirect(reverse("accounts:profile"))
    context = {
        "form": form,
        "two_factor_enabled": two_factor.has_two_factor(user),
        "backup_codes_left": two_factor.backup_codes_left(user),
    }
    return render(request, "accounts/profile.html", context)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        actions.record_password_change(form.user, by=form.user)
        return response


# Each request may send an e-mail: a limit per client address and hour.
PASSWORD_RESETS = RateLimit("password-reset", "PASSWORD_RESETS_PER_HOUR")


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        if not PASSWORD_RESETS.hit(self.request):
            form.add_error(
                None, _("Too many password reset requests from your address. Try again later.")
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        # Links point at the configured site address, not at whatever Host the request named.
        self.extra_email_context = {"site_url": settings.SITE_URL, "site_name": settings.SITE_NAME}
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        actions.record_password_change(form.user, by=form.user, reset=True)
        # Whoever proved they own the address may try to log in again at once.
        reset_login_failures(username=form.user.get_username())
        return response


password_change = PasswordChangeView.as_view()
password_change_done = auth_views.PasswordChangeDoneView.as_view(
    template_name="accounts/password_change_done.html"
)
password_reset = PasswordResetView.as_view()
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)
password_reset_confirm = PasswordResetConfirmView.as_view()
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)


# Two-factor authentication -------------------------------------------------------------------


def _two_factor_page(request: HttpRequest, **forms: Form) -> HttpResponse:
    user = _user(request)
    context: dict[str, Any] = {
        "enabled": two_factor.has_two_factor(user),
        "required": user.needs_two_factor,
        "backup_codes_left": two_factor.backup_codes_left(user),
        "disable_form": TwoFactorCodeForm(prefix="disable", user=user),
        "regenerate_form": TwoFactorCodeForm(prefix="regenerate", user=user),
        **forms,
    }
    return render(request, "accounts/two_factor.html", context)


@never_cache
@login_required
def two_factor_status(request: HttpRequest) -> HttpResponse:
    return _two_factor_page(request)


@never_cache
@login_required
@sensitive_post_parameters("code", "backup_code")
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))

    if two_factor.has_two_factor(user):
        if _is_verified(request):
            messages.info(request, _("Two-factor authentication is already on."))
            return redirect(next_url or "accounts:two_factor")
        # Set up before, but this session has not passed the second factor yet: verify it
        # rather than setting up a second authenticator.
        verify_form = TwoFactorCodeForm(request.POST or None, user=user)
        if request.method == "POST" and verify_form.is_valid():
            django_otp.login(request, verify_form.device)
            return redirect(next_url or _home_for(user))
        return render(
            request, "accounts/two_factor_verify.html", {"form": verify_form, "next": next_url}
        )

    device = two_factor.unconfirmed_authenticator(user)
    form = ConfirmAuthenticatorForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        codes = actions.enable_two_factor(form.device, by=user)
        django_otp.login(request, form.device)
        request.session[NEW_BACKUP_CODES_KEY] = {"codes": codes, "next": next_url}
        messages.success(request, _("Two-factor authentication is on."))
        return redirect("accounts:two_factor_backup_codes")
    context = {
        "form": form,
        "next": next_url,
        "required": user.needs_two_factor,
        "qr_code": two_factor.qr_code_data_uri(device),
        "secret": two_factor.secret_for_manual_entry(device),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@never_cache
@login_required
def two_factor_backup_codes(request: HttpRequest) -> HttpResponse:
    """Show newly made backup codes once; they are not stored anywhere they could be re-read."""
    new = request.session.pop(NEW_BACKUP_CODES_KEY, None)
    if not new:
        messages.info(
            request,
            _("Backup codes are shown only once. If you have lost yours, make new ones here."),
        )
        return redirect("accounts:two_factor")
    return render(
        request,
        "accounts/two_factor_backup_codes.html",
        {"codes": new["codes"], "next": _safe_next(request, new.get("next"))},
    )


@never_cache
@login_required
@require_POST
@sensitive_post_parameters("regenerate-code", "regenerate-backup_code")
def two_factor_regenerate(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = TwoFactorCodeForm(request.POST, prefix="regenerate", user=user)
    if not form.is_valid():
        return _two_factor_page(request, regenerate_form=form)
    try:
        codes = actions.regenerate_backup_codes(user, by=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("accounts:two_factor")
    request.session[NEW_BACKUP_CODES_KEY] = {"codes": codes, "next": ""}
    messages.success(request, _("New backup codes made; the old ones no longer work."))
    return redirect("accounts:two_factor_backup_codes")


@never_cache
@login_required
@require_POST
@sensitive_post_parameters("disable-code", "disable-backup_code")
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.needs_two_factor:
        messages.error(
            request, _("Your role requires two-factor authentication, so it cannot be turned off.")
        )
        return redirect("accounts:two_factor")
    form = TwoFactorCodeForm(request.POST, prefix="disable", user=user)
    if not form.is_valid():
        return _two_factor_page(request, disable_form=form)
    actions.disable_two_factor(user, by=user)
    request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
    messages.success(request, _("Two-factor authentication is off."))
    return redirect("accounts:two_factor")


# Users and invitations -----------------------------------------------------------------------


def _require_manager(request: HttpRequest) -> User:
    user = _user(request)
    if not can_manage_users(user):
        raise PermissionDenied
    return user


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    me = _require_manager(request)
    page = Paginator(User.objects.for_directory(), USERS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [(user, can_change_user(me, user)) for user in page]
    invitations = [
        (invitation, can_invite(me, invitation.role))
        for invitation in Invitation.objects.pending().for_list()
    ]
    context = {
        "page": page,
        "rows": rows,
        "invitations": invitations,
        "can_invite": can_invite(me),
    }
    return render(request, "accounts/user_list.html", context)


@login_required
def invite(request: HttpRequest) -> HttpResponse:
    me = _user(request)
    if not can_invite(me):
        raise PermissionDenied
    form = InvitationForm(request.POST or None, by=me)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = actions.invite_user(**form.cleaned_data, by=me)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("accounts:user_list")
    return render(
        request,
        "accounts/invite.html",
        {"form": form, "invitation_days": settings.INVITATION_VALID_DAYS},
    )


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    me = _require_manager(request)
    invitation = get_object_or_404(Invitation, pk=pk)
    try:
        actions.revoke_invitation(invitation, by=me)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email}
        )
    return redirect("accounts:user_list")


@login_required
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    me = _require_manager(request)
    target = get_object_or_404(User.objects.select_related("agency", "organisation"), pk=pk)
    if not can_change_user(me, target):
        raise PermissionDenied
    initial = {"role": target.role, "agency": target.agency, "organisation": target.organisation}
    form = RoleForm(request.POST or None, by=me, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_user_role(target, **form.cleaned_data, by=me)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved the role of %(user)s.") % {"user": target})
            return redirect("accounts:user_list")
    events = target.account_events.select_related("actor")[:20]
    return render(
        request, "accounts/user_edit.html", {"form": form, "target": target, "events": events}
    )


@login_required
@require_POST
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    me = _require_manager(request)
    target = get_object_or_404(User, pk=pk)
    actions.deactivate_user(target, by=me)
    messages.success(request, _("%(user)s can no longer log in.") % {"user": target})
    return redirect("accounts:user_list")


@never_cache
@sensitive_post_parameters("password1", "password2")
def accept_invitation(request: HttpRequest, token: str) -> HttpResponseBase:
    invitation = Invitation.objects.for_token(token)
    problem = (
        _(
            "This invitation link is not valid. Check that you opened the whole link from the e-mail."
        )
        if invitation is None
        else invitation.problem
    )
    if invitation is None or problem:
        return render(request, "accounts/invitation_invalid.html", {"problem": problem}, status=404)
    if request.user.is_authenticated:
        return render(request, "accounts/accept_invitation.html", {"invitation": invitation})

    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.accept_invitation(
                token,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
                preferred_language=translation.get_language(),
            )
        except actions.InvitationError as exc:
            return render(
                request,
                "accounts/invitation_invalid.html",
                {"problem": exc.messages[0]},
                status=404,
            )
        except ValidationError as exc:
            form.add_error("password2", exc)
        else:
            login(request, user, backend=MODEL_BACKEND)
            messages.success(request, _("Welcome! Your account is ready."))
            return HttpResponseRedirect(_home_for(user))
    return render(
        request, "accounts/accept_invitation.html", {"form": form, "invitation": invitation}
    )
