"""Schemathesis over API v1's own schema, through the WSGI application (no server), for the
public, a focal point's token and a coordinator's token: no server error, and every answer as
the schema says (status code, content type, body), and input the schema calls invalid refused.

Writes are included: the database holds a plan with its action, period and a draft report,
recommendations, indicators with values, a comment and a shadow rating, and the generated
requests name these ids some of the time (``_known``), so that not every write stops at 404.
Each example runs in the test's transaction, so writes pile up until the test ends.

Deterministic (Hypothesis derandomized, no example database) and bounded: ``EXAMPLES`` per
operation in the fuzzing phase, plus schemathesis' coverage cases. Every concrete bug it found
is a plain test in ``test_hostile_parameters.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.settings import api_settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from rightsmonitor.api.models import Scope
from rightsmonitor.api.schema import ApiSchema
from rightsmonitor.api.tests.conftest import Issue
from rightsmonitor.indicators.tests.factories import build_indicator_world
from rightsmonitor.participation import actions as participation
from rightsmonitor.recommendations.actions import link_action
from rightsmonitor.recommendations.tests.factories import make_recommendations
from rightsmonitor.reporting.actions import start_report

pytestmark = pytest.mark.django_db

SCHEMA = "/api/v1/schema/"
# Per operation and audience, in the fuzzing phase (the coverage phase adds its own cases).
EXAMPLES = 8
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture(params=["public", "focal_point", "coordinator"])
def audience(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def world(
    plan_world: SimpleNamespace, ngo_member: Any, tmp_path: Any, settings: Any
) -> SimpleNamespace:
    """A little of everything the API serves, and the ids the requests may name."""
    settings.MEDIA_ROOT = tmp_path / "media"  # should an uploaded file pass the checks
    w = plan_world
    report = start_report(w.action, w.mia, w.period, by=w.focal_point_mia)
    indicators = build_indicator_world()
    recommendations = make_recommendations(2)
    link_action(recommendations[0], w.action, by=w.coordinator)
    participation.accredit_organisation(ngo_member.organisation, by=w.coordinator)
    comment = participation.post_comment(
        body="Public <b>comment</b>", visibility="public", action=w.action, by=ngo_member
    )
    participation.moderate(comment, "publish", by=w.coordinator)
    rating = participation.save_rating(
        action=w.action, period=w.period, status="in_progress", evidence="Seen.", by=ngo_member
    )
    section = w.plan.sections.get()
    by_resource: dict[str, list[Any]] = {
        "plans": [w.plan.code],
        "sections": [section.pk],
        "actions": [w.action.pk],
        "agencies": [w.mia.abbreviation, w.gpo.abbreviation],
        "instruments": [w.plan.adopting_instrument_id],
        "reports": [report.pk],
        "periods": [w.period.pk],
        "monitoring": [w.action.pk],
        "indicators": [indicators.detainees.code, indicators.women_mps.code],
        "observations": [o.pk for o in indicators.observations[:2]],
        "recommendations": [r.pk for r in recommendations],
        "comments": [comment.pk],
        "shadow-ratings": [rating.pk],
    }
    # By name, wherever it appears: in the path after the resource, or in a body.
    by_name: dict[str, list[Any]] = {
        "action": [w.action.pk],
        "action_id": [w.action.pk],
        "period": [w.period.pk],
        "agency": [w.mia.abbreviation],
    }
    return SimpleNamespace(**vars(w), by_resource=by_resource, by_name=by_name)


@pytest.fixture
def headers(audience: str, world: SimpleNamespace, issue: Issue) -> dict[str, str]:
    if audience == "public":
        return {}
    holder = world.focal_point_mia if audience == "focal_point" else world.coordinator
    _token, secret = issue(holder, *Scope.values)
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def api_schema(
    world: SimpleNamespace, headers: dict[str, str], settings: Any
) -> Iterator[schemathesis.BaseSchema]:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]  # schemathesis' Host
    # As Django's test client does: a request must not close the test's connection (its
    # transaction holds the data).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi(SCHEMA, WSGIHandler())
        schema.config.update(headers=headers)
        schema.config.generation.update(max_examples=EXAMPLES, deterministic=True, database="none")
        schema.hook(_known(world))
        yield schema
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _known(world: SimpleNamespace) -> Any:
    """A hook that, in valid requests, sometimes names objects that exist."""

    def flatmap_case(context: Any, case: Any) -> Any:
        meta = case.meta
        if meta is not None and meta.generation.mode.is_negative:
            return st.just(case)
        choices: dict[tuple[ParameterLocation, str], list[Any]] = {}
        resource = case.path.removeprefix("/api/v1/").split("/")[0]
        for name in case.path_parameters:
            known = (
                world.by_resource.get(resource) if name in ("id", "code", "abbreviation") else None
            )
            choices[(ParameterLocation.PATH, name)] = known or world.by_name.get(name, [])
        if isinstance(case.body, dict):
            for name in case.body:
                choices[(ParameterLocation.BODY, name)] = world.by_name.get(name, [])
        options = {key: values for key, values in choices.items() if values}
        if not options:
            return st.just(case)

        def pick(chosen: dict[tuple[ParameterLocation, str], Any]) -> Any:
            for (location, name), value in chosen.items():
                if value is None:
                    continue
                if location is ParameterLocation.PATH:
                    case.path_parameters = {**case.path_parameters, name: value}
                else:
                    case.body = {**case.body, name: value}
            return case

        return st.fixed_dictionaries(
            # Hypothesis favours the first choices: the known ids, then the generated value.
            {key: st.sampled_from([*values, None]) for key, values in options.items()}
        ).map(pick)

    return flatmap_case


lazy_schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request: pytest.FixtureRequest) -> None:
    """Schemathesis 4.32 names each operation's subtest through ``node._nodeid``, which
    pytest 9.2 no longer has (it keeps a structured id); give it the old attribute."""
    request.node._nodeid = request.node.nodeid


@lazy_schema.parametrize()
@settings(
    deadline=None,
    derandomize=True,
    database=None,
    # None of Hypothesis' health checks is about the API; "too slow" fails on a busy machine.
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_as_its_schema_says(case: Any) -> None:
    case.call_and_validate(checks=CHECKS)


def test_the_schema_class_is_ours() -> None:
    # settings.REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]: every answer the schema declares.
    assert api_settings.DEFAULT_SCHEMA_CLASS is ApiSchema


def test_the_schema_declares_the_shared_answers(client: Client) -> None:
    """What every operation may answer besides its own (``api.schema``), checked here once."""
    schema = client.get(SCHEMA, HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    components = schema["components"]["schemas"]
    assert components["Error"]["required"] == ["detail"]
    assert components["ValidationError"] == {
        "anyOf": [
            {"$ref": "#/components/schemas/FieldErrors"},
            {"$ref": "#/components/schemas/Error"},
        ]
    }
    operations = [
        (method, path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    ]
    assert len(operations) > 30
    for method, path, operation in operations:
        codes = set(operation["responses"])
        assert {"401", "403", "406", "429"} <= codes, (method, path)
        assert ("404" in codes) == ("{" in path), (method, path)
        assert ({"304", "412"} <= codes) == (method == "get"), (method, path)
        parameters = operation.get("parameters", [])
        reads = "requestBody" in operation or any(p["in"] == "query" for p in parameters)
        assert ("400" in codes) == reads, (method, path)
        assert ({"413", "415"} <= codes) == ("requestBody" in operation), (method, path)
        for parameter in parameters:
            if parameter["in"] == "query" and parameter["schema"].get("type") != "array":
                optional = not parameter.get("required", False)
                assert parameter.get("allowEmptyValue", False) == optional, (path, parameter)
        if "requestBody" in operation and not path.endswith("/evidence/"):
            assert list(operation["requestBody"]["content"]) == ["application/json"]
    paths = schema["paths"]
    assert list(paths["/api/v1/reports/{id}/evidence/"]["post"]["requestBody"]["content"]) == [
        "multipart/form-data",
        "application/json",
    ]
    # The public reads recommendations, not the suggestions.
    assert {} in paths["/api/v1/recommendations/"]["get"]["security"]
    assert {} not in paths["/api/v1/recommendations/{id}/suggestions/"]["get"]["security"]
    # A filter with a method is still typed (drf-spectacular could not tell).
    recommendations = {
        p["name"]: p["schema"] for p in paths["/api/v1/recommendations/"]["get"]["parameters"]
    }
    assert recommendations["year"] == {"type": "integer", "minimum": 1, "maximum": 9999}
    assert recommendations["linked"] == {"type": "boolean"}
