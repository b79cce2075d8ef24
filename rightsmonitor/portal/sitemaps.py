"""The sitemap: every public page in every language, in sections small enough for crawlers.

What is public is asked of the apps' access helpers as an anonymous visitor, as the pages
themselves do, so a draft plan never appears. Recommendations may be a quarter of a million
rows: a section page reads only its own slice of rows (see ``LanguagePairs``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any, overload
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import cached_property

from rightsmonitor.assessments.access import assessments_for_user
from rightsmonitor.core.translation import language_codes
from rightsmonitor.indicators.access import indicators_for_user
from rightsmonitor.plans.access import actions_for_user, plans_for_user
from rightsmonitor.plans.models import Agency
from rightsmonitor.recommendations.access import recommendations_for_user

ANONYMOUS = AnonymousUser()


class LanguagePairs:
    """(item, language) pairs over a queryset, sliced in the database.

    Django's i18n sitemap builds the list of pairs for every row before paginating; this
    counts with one query and reads only the rows of the requested slice.
    """

    def __init__(self, items: QuerySet[Any], languages: list[str]) -> None:
        self.items = items
        self.languages = languages

    def count(self) -> int:
        return self.items.count() * len(self.languages)

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[tuple[Any, str]]:
        # Not used to paginate; streams if anything ever walks every address.
        for item in self.items.iterator():
            for code in self.languages:
                yield item, code

    @overload
    def __getitem__(self, index: int) -> tuple[Any, str]: ...

    @overload
    def __getitem__(self, index: slice) -> list[tuple[Any, str]]: ...

    def __getitem__(self, index: int | slice) -> tuple[Any, str] | list[tuple[Any, str]]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        per_item = len(self.languages)
        start = index.start or 0
        stop = index.stop if index.stop is not None else self.count()
        first, last = start // per_item, -(-stop // per_item)
        pairs = [(item, code) for item in self.items[first:last] for code in self.languages]
        offset = start - first * per_item
        return pairs[offset : offset + stop - start]


class PublicSitemap(Sitemap):
    """Addresses on SITE_URL in every language, each with its alternates and an x-default."""

    i18n = True
    alternates = True
    # 10,000 addresses with four alternates each stay well under the 50 MB a file may have.
    limit = 10_000

    # SITE_URL, not the requested host (see core/templatetags/page_meta.py).
    def get_protocol(self, protocol: str | None = None) -> str:
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site: Any = None) -> str:
        return urlsplit(settings.SITE_URL).netloc

    def get_urls(self, page: int | str = 1, site: Any = None, protocol: str | None = None) -> Any:
        urls = super().get_urls(page, site, protocol)
        # Django's x_default rewrites "/en/" anywhere in the address, which would also hit a
        # plan coded "en"; English has no prefix here, so its address is the x-default.
        for url in urls:
            english = next(
                a["location"] for a in url["alternates"] if a["lang_code"] == settings.LANGUAGE_CODE
            )
            url["alternates"].append({"location": english, "lang_code": "x-default"})
        return urls


class PagesSitemap(PublicSitemap):
    """The public lists and overviews."""

    def items(self) -> list[str]:
        return [
            "portal:home",
            "portal:plan_list",
            "portal:agency_list",
            "assessments:list",
            "indicators:overview",
            "recommendations:search",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class QuerySetSitemap(PublicSitemap):
    """Objects' pages, read a slice at a time."""

    def items(self) -> QuerySet[Any]:
        raise NotImplementedError

    @cached_property
    def paginator(self) -> Paginator:
        return Paginator(LanguagePairs(self.items(), language_codes()), self.limit)


class PlansSitemap(QuerySetSitemap):
    def items(self) -> QuerySet[Any]:
        return plans_for_user(ANONYMOUS).only("code", "updated").order_by("pk")

    def lastmod(self, plan: Any) -> datetime:
        return plan.updated


class ActionsSitemap(QuerySetSitemap):
    def items(self) -> QuerySet[Any]:
        return (
            actions_for_user(ANONYMOUS)
            .select_related("plan")
            .only("number", "plan__code")
            .order_by("pk")
        )


class AgenciesSitemap(QuerySetSitemap):
    def items(self) -> QuerySet[Any]:
        return Agency.objects.only("abbreviation").order_by("pk")


class AssessmentsSitemap(QuerySetSitemap):
    def items(self) -> QuerySet[Any]:
        return assessments_for_user(ANONYMOUS).only("pk", "updated_at").order_by("pk")

    def lastmod(self, assessment: Any) -> datetime:
        return assessment.updated_at


class IndicatorsSitemap(QuerySetSitemap):
    def items(self) -> QuerySet[Any]:
        return indicators_for_user(ANONYMOUS).only("code").order_by("pk")


class RecommendationsSitemap(QuerySetSitemap):
    def items(self) -> QuerySet[Any]:
        return recommendations_for_user(ANONYMOUS).only("pk", "updated_at").order_by("pk")

    def lastmod(self, recommendation: Any) -> datetime:
        return recommendation.updated_at


# Section name (in the address: sitemap-<name>.xml) to sitemap.
SITEMAPS: dict[str, type[PublicSitemap]] = {
    "pages": PagesSitemap,
    "plans": PlansSitemap,
    "actions": ActionsSitemap,
    "agencies": AgenciesSitemap,
    "assessments": AssessmentsSitemap,
    "indicators": IndicatorsSitemap,
    "recommendations": RecommendationsSitemap,
}
