"""Demo participation: the demo NGO approved, three shadow ratings of 2022 and a published
comment with the coordinator's answer, all through ``participation.actions``.

INVENTED FOR DEMONSTRATION, like the rest of the demo reporting.
"""

from __future__ import annotations

from django.db import transaction

from rightsmonitor.accounts.models import Role, User
from rightsmonitor.participation import actions
from rightsmonitor.plans.models import Plan

DEMO_NGO = "ngo@demo.rightsmonitor.org"
RATINGS = (
    (
        "1.1",
        "partially_completed",
        "The draft law was adopted, but the regional courts we monitored still apply the old "
        "procedure in most cases.",
        "https://example.org/demo-monitoring-2022",
    ),
    ("2.2", "completed", "We confirm the rules are in force and applied.", ""),
    (
        "1.4",
        "not_started",
        "We found no sign of work on this action in 2022: no draft, no consultation.",
        "",
    ),
)
COMMENT = (
    "1.1",
    "Will the ministry publish the number of cases handled under the new procedure? Without "
    "figures the public cannot judge whether the law works.",
    "Yes: the figures for 2022 will be in the next report, due on 10 January.",
)


@transaction.atomic
def load_demo_participation(plan: Plan, *, coordinator: User) -> int:
    """Approve the demo NGO and add its ratings and comment; return the number of ratings."""
    member = User.objects.filter(email=DEMO_NGO, role=Role.CIVIL_SOCIETY).first()
    if member is None or member.organisation is None:
        return 0
    actions.accredit_organisation(member.organisation, by=coordinator)
    period = plan.reporting_periods.get(end="2022-12-31")
    for number, status, evidence, url in RATINGS:
        actions.save_rating(
            action=plan.actions.get(number=number),
            period=period,
            status=status,
            evidence=evidence,
            evidence_url=url,
            by=member,
        )
    number, text, answer = COMMENT
    comment = actions.post_comment(
        body=text, visibility="public", action=plan.actions.get(number=number), by=member
    )
    actions.moderate(comment, "publish", by=coordinator)
    actions.reply(comment, body=answer, by=coordinator)
    return len(RATINGS)
