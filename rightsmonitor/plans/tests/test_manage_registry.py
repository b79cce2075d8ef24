"""Staff pages for the managed lists: agencies, legal instruments, amendments."""

from __future__ import annotations

import pytest

from rightsmonitor.conftest import client_for
from rightsmonitor.plans.models import Agency, Amendment, Instrument
from rightsmonitor.plans.tests.factories import AgencyFactory, InstrumentFactory, build_plan

pytestmark = pytest.mark.django_db


def test_coordinator_creates_and_edits_an_agency(coordinator) -> None:
    client = client_for(coordinator)
    response = client.post(
        "/manage/agencies/new/",
        {
            "abbreviation": " MLSP ",
            "name_en": "Ministry of Labour",
            "name_ru": "Минтруда",
            "kind": "ministry",
        },
    )
    assert response.status_code == 302
    agency = Agency.objects.get(abbreviation="MLSP")
    assert agency.name_ru == "Минтруда"
    assert agency.history.first().history_user == coordinator
    response = client.post(
        f"/manage/agencies/{agency.pk}/",
        {
            "abbreviation": "MLSP",
            "name_en": "Ministry of Labour and Social Protection",
            "kind": "ministry",
        },
    )
    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.name_en == "Ministry of Labour and Social Protection"
    assert "MLSP" in client.get("/manage/agencies/").content.decode()


def test_agency_form_errors(coordinator) -> None:
    AgencyFactory(abbreviation="MIA")
    client = client_for(coordinator)
    response = client.post(
        "/manage/agencies/new/", {"abbreviation": "MIA", "name_en": "Dup", "kind": "ministry"}
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    response = client.post("/manage/agencies/new/", {"abbreviation": "A, B", "kind": "ministry"})
    content = response.content.decode()
    assert "cannot contain commas" in content
    assert "at least one language" in content
    assert Agency.objects.count() == 1


def test_agency_cannot_be_its_own_parent(coordinator) -> None:
    agency = AgencyFactory(abbreviation="MIA")
    response = client_for(coordinator).post(
        f"/manage/agencies/{agency.pk}/",
        {"abbreviation": "MIA", "name_en": "x", "kind": "ministry", "parent": agency.pk},
    )
    assert response.status_code == 200
    agency.refresh_from_db()
    assert agency.parent is None


def test_instrument_create_and_country_validation(coordinator) -> None:
    client = client_for(coordinator)
    data = {
        "kind": "government_decree",
        "number": "1088",
        "date": "2023-12-08",
        "issuing_authority": "Government",
        "country": "kaz",
        "title_en": "New action plan",
    }
    assert client.post("/manage/instruments/new/", data).status_code == 302
    assert Instrument.objects.get(number="1088").country == "KAZ"
    response = client.post("/manage/instruments/new/", {**data, "number": "2", "country": "XXX"})
    assert "not an ISO 3166-1 alpha-3" in response.content.decode()


def test_amendment_recorded_on_plan(coordinator) -> None:
    plan = build_plan(code="kz")
    amending = InstrumentFactory(number="500", date="2023-06-01")
    response = client_for(coordinator).post(
        "/manage/plans/kz/amendments/new/",
        {"instrument": amending.pk, "date": "2023-06-15", "summary_en": "Deadlines moved to 2024"},
    )
    assert response.status_code == 302
    amendment = Amendment.objects.get(plan=plan)
    assert amendment.summary == "Deadlines moved to 2024"
    assert "Deadlines moved to 2024" in client_for(None).get("/plans/kz/").content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/manage/agencies/",
        "/manage/agencies/new/",
        "/manage/instruments/",
        "/manage/instruments/new/",
    ],
)
def test_registry_pages_are_for_staff_only(
    url: str, coordinator, focal_point_mia, ngo_member
) -> None:
    assert client_for(coordinator).get(url).status_code == 200
    assert client_for(focal_point_mia).get(url).status_code == 403
    assert client_for(ngo_member).get(url).status_code == 403
    assert client_for(None).get(url).status_code == 302


def test_agency_list_query_count(coordinator, django_assert_max_num_queries) -> None:
    client = client_for(coordinator)
    build_plan(code="a")
    with django_assert_max_num_queries(8):
        client.get("/manage/agencies/")
    for n in range(40):
        AgencyFactory(abbreviation=f"X{n}")
    with django_assert_max_num_queries(8):
        assert client.get("/manage/agencies/").status_code == 200


def test_instrument_list_query_count(coordinator, django_assert_max_num_queries) -> None:
    client = client_for(coordinator)
    InstrumentFactory()
    with django_assert_max_num_queries(6):
        client.get("/manage/instruments/")
    for _n in range(40):
        InstrumentFactory()
    with django_assert_max_num_queries(6):
        assert client.get("/manage/instruments/").status_code == 200
