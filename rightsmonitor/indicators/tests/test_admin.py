"""Administrators add a dimension and its values, and set a baseline, in the admin site."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rightsmonitor.conftest import client_for
from rightsmonitor.indicators.models import Dimension, Target
from rightsmonitor.indicators.tests.factories import IndicatorWorld

pytestmark = pytest.mark.django_db


def test_an_administrator_adds_a_dimension_with_values(administrator, coordinator) -> None:
    url = reverse("admin:indicators_dimension_add")
    assert client_for(coordinator).get(url).status_code == 302  # the admin site: administrators
    data = {
        "code": "EDUCATION_LEV",
        "name_en": "Education",
        "column_name": "Education",
        "order": "5",
        "values-TOTAL_FORMS": "2",
        "values-INITIAL_FORMS": "0",
        "values-0-code": "ISCED11_1",
        "values-0-name_en": "Primary",
        "values-0-aliases": "[]",
        "values-0-order": "0",
        "values-1-code": "_T",  # the total is implicit: refused
        "values-1-name_en": "Total",
        "values-1-aliases": "[]",
        "values-1-order": "1",
    }
    response = client_for(administrator).post(url, data)
    assert (
        response.status_code == 200 and not Dimension.objects.filter(code="EDUCATION_LEV").exists()
    )
    data.update({"values-TOTAL_FORMS": "1"})
    response = client_for(administrator).post(url, data)
    assert response.status_code == 302
    dimension = Dimension.objects.get(code="EDUCATION_LEV")
    assert [v.code for v in dimension.values.all()] == ["ISCED11_1"]


def test_baseline_and_target_on_the_indicator_page(indicator_world: IndicatorWorld, public) -> None:
    indicator = indicator_world.detainees
    Target.objects.create(indicator=indicator, kind="baseline", year=2021, value="31.5")
    Target.objects.create(indicator=indicator, kind="target", year=2025, value="20")
    html = client_for(public).get(indicator.get_absolute_url()).content.decode()
    assert "Baseline" in html and "31.5" in html and "2025" in html
