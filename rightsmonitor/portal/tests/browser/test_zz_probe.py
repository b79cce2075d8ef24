from playwright.sync_api import Page, Route

from .conftest import Axe, PageProblems

META = '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>'


def patch_home(route: Route) -> None:
    response = route.fetch()
    body = response.text().replace('<link rel="stylesheet"', META + '\n  <link rel="stylesheet"', 1)
    route.fulfill(response=response, body=body)


def test_probe_htmx_fix(page: Page, page_problems: PageProblems) -> None:
    page.route("**/", patch_home)
    page.goto("/", wait_until="networkidle")
    print(page.content()[:800])
    assert page.evaluate("() => htmx.config.includeIndicatorStyles") is False
    assert not page_problems.problems, "\n".join(page_problems.problems)


def patch_docs(route: Route) -> None:
    response = route.fetch()
    body = response.text().replace("<html>", '<html lang="en">', 1)
    start, end = body.index("<style>"), body.index("</style>") + len("</style>")
    body = body[:start] + body[end:]
    route.fulfill(response=response, body=body)


def test_probe_docs(page: Page, page_problems: PageProblems, axe: Axe) -> None:
    page.route("**/api/v1/docs/", patch_docs)
    page.goto("/api/v1/docs/", wait_until="networkidle")
    page.locator("#swagger-ui .opblock").first.wait_for()
    print(axe.describe("docs-shell", axe.violations(page, exclude=("#swagger-ui",))))
    print(page_problems.problems)
