"""The OpenAPI schema of API v1: every status code an operation really answers, declared once.

drf-spectacular documents what a view returns when all goes well; the errors come from
layers every view shares, so they are added here rather than in each ``@extend_schema``:

- 400 where input is read: query parameters (filters, pages) or a body
- 401 everywhere: a request that names an unknown, revoked or expired token
  (``api.authentication``, which checks the token before any view runs)
- 403 everywhere: a token without the scope the method needs (``read`` for reads); a write
  the caller may not make
- 404 on every address with a path parameter
- 304 and 412 on every GET: conditional requests (``api.conditional``)
- 406 everywhere (an ``Accept`` naming nothing the API writes); 413 (``MAX_REQUEST_BYTES``)
  and 415 where a body is read
- 429 everywhere: the rate limits (``api.throttling``)

A view still declares what only it answers (409 with the stored object, 200 beside 201). Error
bodies are DRF's: ``{"detail": "..."}``, and for 400 also field errors ``{"field": [...]}``
(``api.errors``). Bodies are documented as JSON, except where a view names other media types
(evidence files): DRF also reads forms, for the browsable API, but in a form an empty value
stands for null, which a schema cannot say. An empty optional query parameter counts as not
given (``allowEmptyValue``), as in the filters of the pages.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import django_filters
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import exceptions
from rest_framework.request import Request

from rightsmonitor.api.authentication import ApiTokenAuthentication
from rightsmonitor.core.filtering import bounds

JSON = "application/json"

ERROR: dict[str, Any] = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS: dict[str, Any] = {
    "type": "object",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "minProperties": 1,
}


class ApiSchema(AutoSchema):
    def get_operation(
        self, path: str, path_regex: str, path_prefix: str, method: str, registry: Any
    ) -> dict[str, Any] | None:
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        filters = self._filters()
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query" and parameter["name"] in filters:
                parameter["schema"] = filters[parameter["name"]]
            if (
                parameter["in"] == "query"
                and not parameter.get("required")
                and parameter.get("schema", {}).get("type") != "array"
            ):
                parameter["allowEmptyValue"] = True
        responses = operation["responses"]
        for code, response in self._shared_responses(operation).items():
            responses.setdefault(code, response)
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _filters(self) -> dict[str, dict[str, Any]]:
        """What the filter set's numbers and yes/no filters take (``core.filtering``), which
        drf-spectacular cannot tell for a filter with a method."""
        filterset = getattr(self.view, "filterset_class", None)
        if filterset is None or not getattr(self.view, "filter_backends", None):
            return {}
        found: dict[str, dict[str, Any]] = {}
        for name, filter_ in filterset.base_filters.items():
            if isinstance(filter_, django_filters.NumberFilter):
                low, high = bounds(filter_)
                found[name] = {"type": "integer", "minimum": low, "maximum": high}
            elif isinstance(filter_, django_filters.BooleanFilter):
                found[name] = {"type": "boolean"}
        return found

    def map_parsers(self) -> list[Any]:
        parsers = super().map_parsers()
        return [JSON] if JSON in parsers else parsers

    def get_auth(self) -> list[dict[str, Any]]:
        """As drf-spectacular's, and ``{}`` (no credentials) wherever the view's permissions
        let an anonymous caller in, whichever permission classes say so."""
        auths: list[dict[str, Any]] = super().get_auth()
        if {} not in auths and self._anonymous_allowed():
            auths.append({})
        return auths

    def _anonymous_allowed(self) -> bool:
        http = HttpRequest()
        http.method = self.method
        request = Request(http)
        request.user = AnonymousUser()
        return all(p.has_permission(request, self.view) for p in self.view.get_permissions())

    def _shared_responses(self, operation: dict[str, Any]) -> dict[str, dict[str, Any]]:
        # Described by DRF's own messages (translated in DRF's catalogues) or the status name.
        reads_query = any(p["in"] == "query" for p in operation.get("parameters", []))
        reads_body = "requestBody" in operation
        responses: dict[str, dict[str, Any]] = {}
        if self.method == "GET":
            for status in (HTTPStatus.NOT_MODIFIED, HTTPStatus.PRECONDITION_FAILED):
                responses[str(status.value)] = {"description": status.phrase}
        if reads_query or reads_body:
            responses["400"] = self._error("ValidationError", exceptions.ValidationError)
        if any(isinstance(a, ApiTokenAuthentication) for a in self.view.get_authenticators()):
            responses["401"] = self._error("Error", exceptions.AuthenticationFailed)
        responses["403"] = self._error("Error", exceptions.PermissionDenied)
        if "{" in self.path:
            responses["404"] = self._error("Error", exceptions.NotFound)
        responses["406"] = self._error("Error", exceptions.NotAcceptable)
        if reads_body:
            # Refused before any view runs (``core.middleware``): a sentence, not JSON.
            responses["413"] = {
                "description": HTTPStatus.REQUEST_ENTITY_TOO_LARGE.phrase,
                "content": {"text/plain": {"schema": {"type": "string"}}},
            }
            responses["415"] = self._error("Error", HTTPStatus.UNSUPPORTED_MEDIA_TYPE.phrase)
        if self.view.throttle_classes:
            retry_after = {"Retry-After": {"schema": {"type": "integer", "minimum": 0}}}
            responses["429"] = {
                **self._error("Error", exceptions.Throttled),
                "headers": retry_after,
            }
        return responses

    def _error(self, name: str, described: type[exceptions.APIException] | str) -> dict[str, Any]:
        description = described if isinstance(described, str) else described.default_detail
        return {
            "description": str(description),
            "content": {JSON: {"schema": self._component(name)}},
        }

    def _component(self, name: str) -> dict[str, str]:
        if name == "ValidationError":
            schema: dict[str, Any] = {
                "anyOf": [self._component("FieldErrors"), self._component("Error")]
            }
        else:
            schema = {"Error": ERROR, "FieldErrors": FIELD_ERRORS}[name]
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, object=f"api-{name}", schema=schema
        )
        self.registry.register_on_missing(component)
        ref: dict[str, str] = component.ref
        return ref
