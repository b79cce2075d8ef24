"""The UN's theme and affected-person names, translated through the interface catalogue.

UHRI and UPR Info files name themes in English only ("Right to life"). Imports create a
theme under that name; this catalogue gives it its Russian and Kazakh names at once, and
pages translate the names of themes created before a name was added here.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from rightsmonitor.core.translation import language_codes
from rightsmonitor.plans.models import Theme

UN_THEME_NAMES = frozenset(
    {
        # Themes (UHRI)
        gettext_noop("Access to justice"),
        gettext_noop("Administration of justice & fair trial"),
        gettext_noop("Children: protection against exploitation"),
        gettext_noop("Climate change and environment"),
        gettext_noop("Conditions of detention"),
        gettext_noop("Cooperation with special procedures"),
        gettext_noop("Cooperation with treaty bodies"),
        gettext_noop("Death penalty"),
        gettext_noop("Domestic violence"),
        gettext_noop("Equality & non-discrimination"),
        gettext_noop("Follow-up to recommendations"),
        gettext_noop("Freedom of association"),
        gettext_noop("Freedom of opinion and expression"),
        gettext_noop("Freedom of peaceful assembly"),
        gettext_noop("Freedom of thought, conscience and religion"),
        gettext_noop("Gender-based violence"),
        gettext_noop("Human rights defenders"),
        gettext_noop("Labour rights and right to work"),
        gettext_noop("Migrants"),
        gettext_noop("National Human Rights Institution"),
        gettext_noop("Participation in public affairs and right to vote"),
        gettext_noop("Ratification of international instruments"),
        gettext_noop("Refugees & asylum seekers"),
        gettext_noop("Right to life"),
        gettext_noop("Right to social security"),
        gettext_noop("Rights of persons with disabilities"),
        gettext_noop("Stateless persons"),
        gettext_noop("Torture and other cruel, inhuman or degrading treatment or punishment"),
        gettext_noop("Trafficking in persons"),
        gettext_noop("Women's rights"),
        gettext_noop("Right to education"),
        gettext_noop("Right to health"),
        gettext_noop("Right to adequate housing"),
        gettext_noop("Right to privacy"),
        gettext_noop("Liberty and security of the person"),
        gettext_noop("Prohibition of slavery, trafficking"),
        gettext_noop("Business and human rights"),
        gettext_noop("Corruption"),
        gettext_noop("Indigenous peoples"),
        gettext_noop("Minorities"),
        # Affected persons (UHRI)
        gettext_noop("Children"),
        gettext_noop("Civil society"),
        gettext_noop("Judges, lawyers and prosecutors"),
        gettext_noop("Law enforcement / police & prison officers"),
        gettext_noop("Lesbian, gay, bisexual, transgender and intersex persons"),
        gettext_noop("Media"),
        gettext_noop("Older persons"),
        gettext_noop("Persons deprived of their liberty"),
        gettext_noop("Persons with disabilities"),
        gettext_noop("Victims of trafficking"),
        gettext_noop("Women & girls"),
        gettext_noop("Workers"),
        gettext_noop("Youth"),
        gettext_noop("General"),
    }
)


def catalogue_names(name_en: str) -> dict[str, str]:
    """``name_ru``/``name_kk`` values for a theme the UN names ``name_en``; none if unknown."""
    if name_en not in UN_THEME_NAMES:
        return {}
    names = {}
    for code in language_codes():
        with translation.override(code):
            translated = gettext(name_en)
        if translated != name_en:  # an untranslated name would pass English off as Russian
            names[f"name_{code}"] = translated
    return names


def theme_label(theme: Theme) -> str:
    """The theme's name in the reader's language, from its columns or else the catalogue."""
    return str(theme)
