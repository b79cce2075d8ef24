"""``{% shared_fragment "name" value ... %}…{% endshared_fragment %}``: a part of a page that is
the same for every reader, rendered once per generation of content and language.

The page cache (core/pagecache.py) serves whole pages, but only to readers without an account;
a signed-in reader's page is made afresh, and on a long plan its tables and charts cost most
of that. A fragment is filed under its name, the values given after it (what it depends on
besides the content: the plan, the page number, the day…), the active language and the
generation of content, so that any change of content makes it again.

Only what is the same for every reader who may see the page belongs inside: nothing that
depends on who reads (their account, role, permissions or CSRF token).
"""

from __future__ import annotations

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from rightsmonitor.core import pagecache

register = template.Library()


class SharedFragmentNode(template.Node):
    def __init__(self, nodelist: NodeList, name: FilterExpression, vary: list[FilterExpression]):
        self.nodelist = nodelist
        self.name = name
        self.vary = vary

    def render(self, context: template.Context) -> SafeString:
        values = [str(self.name.resolve(context)), get_language() or ""]
        values += [repr(expression.resolve(context)) for expression in self.vary]
        key = "fragment:" + "\x00".join(values)
        # Stored as text: a fragment's objects would cost more to unpickle than the text does.
        return mark_safe(pagecache.cached(key, lambda: str(self.nodelist.render(context))))


@register.tag
def shared_fragment(parser: Parser, token: Token) -> SharedFragmentNode:
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"{bits[0]!r} needs a name, then what it depends on.")
    nodelist = parser.parse(("endshared_fragment",))
    parser.delete_first_token()
    return SharedFragmentNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]]
    )
