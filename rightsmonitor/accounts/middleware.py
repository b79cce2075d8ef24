"""Administrators and coordinators must pass a second factor when the setting requires it."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse


class RequireTwoFactorMiddleware:
    """Send a staff user without a verified second factor to set one up (or verify it).

    Runs after django-otp's OTPMiddleware, which sets ``request.user.is_verified``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            getattr(user, "needs_two_factor", False)
            and not user.is_verified()  # type: ignore[union-attr]
            and not self._is_exempt(request.path_info)
        ):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:two_factor_setup')}?{query}")
        return self.get_response(request)

    @staticmethod
    def _is_exempt(path: str) -> bool:
        exempt = (
            reverse("accounts:two_factor_setup"),
            reverse("accounts:logout"),
            reverse("set_language"),
            "/static/",
        )
        return any(path.startswith(prefix) or path.endswith(prefix) for prefix in exempt)
