"""How API v1 shapes its errors: the domain's exceptions as HTTP (``api.schema`` declares them).

The apps' actions raise Django's exceptions; every view translates them the same way, through
``domain_errors``:

- ``django.core.exceptions.PermissionDenied`` → 403
- ``django.core.exceptions.ValidationError`` → 400 with field errors, as DRF reports its own:
  ``{"field": ["message", ...]}``, ``non_field_errors`` for the rest
- ``core.locking.ConcurrentEditError`` → 409 with the stored object, so nothing is lost

Everything else (401, 404, 405, 429, DRF's own 400) is DRF's default exception handler; an
address under /api/ that names no view gets the same 404 body from ``not_found``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.fields import get_error_detail
from rest_framework.settings import api_settings

from rightsmonitor.core.locking import ConcurrentEditError


class Conflict(exceptions.APIException):
    """409: someone else saved first. The body carries the stored version of the object."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = ConcurrentEditError.message
    default_code = "concurrent_edit"

    def __init__(self, current: Mapping[str, Any] | None) -> None:
        super().__init__()
        # Set after __init__ so that DRF does not turn the numbers of ``current`` into strings.
        body: Any = {"detail": self.detail, "current": current}
        self.detail = body


def field_errors(error: DjangoValidationError, *, field: str | None = None) -> dict[str, Any]:
    """A Django ValidationError as DRF shows its own: ``{field: [messages]}``.

    Errors that name no field go under ``field`` when the caller knows which input they are
    about (the transition's ``name``, the uploaded ``file``), else under ``non_field_errors``.
    """
    non_field_key = api_settings.NON_FIELD_ERRORS_KEY
    detail = get_error_detail(error)
    if isinstance(detail, Mapping):
        return {(non_field_key if key == NON_FIELD_ERRORS else key): v for key, v in detail.items()}
    return {field or non_field_key: detail}


def non_field_error(message: Any) -> exceptions.ValidationError:
    """A 400 about the request as a whole: ``{"non_field_errors": [message]}``."""
    return exceptions.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [message]})


@contextmanager
def domain_errors(
    *, field: str | None = None, current: Callable[[], Mapping[str, Any]] | None = None
) -> Iterator[None]:
    """Turn the exceptions of the apps' actions into DRF's, the same way for every view.

    ``field`` names the input that errors naming no field are about; ``current`` reads the
    stored object for the body of a 409.
    """
    try:
        yield
    except DjangoPermissionDenied as exc:
        raise exceptions.PermissionDenied from exc
    except DjangoValidationError as exc:
        raise exceptions.ValidationError(field_errors(exc, field=field)) from exc
    except ConcurrentEditError as exc:
        raise Conflict(current() if current else None) from exc


@csrf_exempt  # any method: a POST to a wrong address is as missing as a GET
def not_found(request: HttpRequest) -> JsonResponse:
    """404 for an address under /api/ that no view answers, in JSON as the views' own (an id
    that is not a number, a code with a slash); Django's page would be HTML."""
    return JsonResponse({"detail": str(exceptions.NotFound.default_detail)}, status=404)
