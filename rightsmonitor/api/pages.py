"""Pages to issue, list and revoke API tokens.

Thin views: ``api.access`` decides, ``api.actions`` changes. A new token's secret is shown in
the answer to the form, once, and is neither stored nor put in the session.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from rightsmonitor.api import access, actions
from rightsmonitor.api.forms import TokenForm

TOKENS_PER_PAGE = 50


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(access.tokens_for_user(request.user).for_list(), TOKENS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    rows = [(token, access.can_revoke_token(request.user, token)) for token in page]
    context = {
        "page": page,
        "rows": rows,
        "manages": access.can_manage_tokens(request.user),
        "api_docs": reverse("api-docs"),
    }
    return render(request, "api/token_list.html", context)


@never_cache
@login_required
def token_issue(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None, by=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = actions.issue_token(
                form.holder(),
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=form.expires_at(),
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return render(request, "api/token_created.html", {"token": token, "secret": secret})
    return render(request, "api/token_issue.html", {"form": form})


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(access.tokens_for_user(request.user).select_related("user"), pk=pk)
    try:
        actions.revoke_token(token, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
    return redirect("api_tokens:list")
