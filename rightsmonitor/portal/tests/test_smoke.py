import pytest

from rightsmonitor.plans.tests.factories import build_plan


@pytest.mark.django_db
def test_public_pages_render(client):
    plan = build_plan()
    action = plan.actions.first()
    for url in ["/", "/plans/", plan.get_absolute_url(), action.get_absolute_url(), "/agencies/", "/agencies/MIA/", "/ru/plans/"]:
        response = client.get(url)
        assert response.status_code == 200, url
    assert b"MIA" in client.get(plan.get_absolute_url()).content
