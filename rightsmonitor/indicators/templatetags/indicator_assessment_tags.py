from django import template

from rightsmonitor.indicators.assessment_blocks import TREND_LABELS

register = template.Library()


@register.filter
def trend_label(trend: str) -> str:
    return str(TREND_LABELS.get(trend, trend))
