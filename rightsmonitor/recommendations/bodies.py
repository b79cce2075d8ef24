"""The recommending bodies Rights Monitor knows by name, and a guess for the others.

UHRI names treaty bodies by their acronym ("CEDAW") and special procedures by their mandate
("SR on torture", "WG on Arbitrary Detention"). A body not listed here is created on import with
the mechanism its name suggests; an administrator can correct it in the admin site.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rightsmonitor.recommendations.models import Mechanism


@dataclass(frozen=True)
class KnownBody:
    mechanism: str
    name_en: str = ""
    name_ru: str = ""
    name_kk: str = ""


TREATY = Mechanism.TREATY_BODY
KNOWN_BODIES: dict[str, KnownBody] = {
    "UPR": KnownBody(
        Mechanism.UPR,
        "Universal Periodic Review",
        "Универсальный периодический обзор",
        "Әмбебап мерзімді шолу",
    ),
    "CEDAW": KnownBody(
        TREATY,
        "Committee on the Elimination of Discrimination against Women",
        "Комитет по ликвидации дискриминации в отношении женщин",
        "Әйелдерді кемсітуді жою жөніндегі комитет",
    ),
    "CAT": KnownBody(
        TREATY, "Committee against Torture", "Комитет против пыток", "Азаптауға қарсы комитет"
    ),
    "SPT": KnownBody(
        TREATY,
        "Subcommittee on Prevention of Torture",
        "Подкомитет по предупреждению пыток",
        "Азаптаудың алдын алу жөніндегі кіші комитет",
    ),
    "CCPR": KnownBody(
        TREATY,
        "Human Rights Committee",
        "Комитет по правам человека",
        "Адам құқықтары жөніндегі комитет",
    ),
    "CESCR": KnownBody(
        TREATY,
        "Committee on Economic, Social and Cultural Rights",
        "Комитет по экономическим, социальным и культурным правам",
        "Экономикалық, әлеуметтік және мәдени құқықтар жөніндегі комитет",
    ),
    "CRC": KnownBody(
        TREATY,
        "Committee on the Rights of the Child",
        "Комитет по правам ребенка",
        "Бала құқықтары жөніндегі комитет",
    ),
    "CRPD": KnownBody(
        TREATY,
        "Committee on the Rights of Persons with Disabilities",
        "Комитет по правам инвалидов",
        "Мүгедектердің құқықтары жөніндегі комитет",
    ),
    "CERD": KnownBody(
        TREATY,
        "Committee on the Elimination of Racial Discrimination",
        "Комитет по ликвидации расовой дискриминации",
        "Нәсілдік кемсітуді жою жөніндегі комитет",
    ),
    "CMW": KnownBody(
        TREATY,
        "Committee on Migrant Workers",
        "Комитет по трудящимся-мигрантам",
        "Еңбекші мигранттар жөніндегі комитет",
    ),
    "CED": KnownBody(
        TREATY,
        "Committee on Enforced Disappearances",
        "Комитет по насильственным исчезновениям",
        "Күштеп жоғалтулар жөніндегі комитет",
    ),
    "OSCE/ODIHR": KnownBody(
        Mechanism.REGIONAL,
        "OSCE Office for Democratic Institutions and Human Rights",
        "Бюро по демократическим институтам и правам человека ОБСЕ",
        "ЕҚЫҰ Демократиялық институттар және адам құқықтары жөніндегі бюросы",
    ),
    "GRETA": KnownBody(
        Mechanism.REGIONAL,
        "Group of Experts on Action against Trafficking in Human Beings (Council of Europe)",
        "Группа экспертов по противодействию торговле людьми (Совет Европы)",
        "Адам саудасына қарсы іс-қимыл жөніндегі сарапшылар тобы (Еуропа Кеңесі)",
    ),
    "Venice Commission": KnownBody(
        Mechanism.REGIONAL,
        "European Commission for Democracy through Law (Venice Commission)",
        "Европейская комиссия за демократию через право (Венецианская комиссия)",
        "Құқық арқылы демократия үшін Еуропалық комиссия (Венеция комиссиясы)",
    ),
}
SPECIAL_PROCEDURE = re.compile(
    r"^(SR|IE|WG|SRSG)\b|special rapporteur|independent expert|working group|"
    r"специальный докладчик|рабочая группа|независимый эксперт",
    re.I,
)
NATIONAL = re.compile(
    r"ombudsman|commissioner for human rights|parliament|уполномоченн|парламент", re.I
)
REGIONAL = re.compile(r"osce|odihr|council of europe|greta|venice|ecri|cpt|обсе|совет европы", re.I)


def known_body(code: str) -> KnownBody:
    """What we know of a body from its code, or a guess at its mechanism from its name."""
    for known_code, known in KNOWN_BODIES.items():
        if known_code.casefold() == code.casefold():
            return known
    if SPECIAL_PROCEDURE.search(code):
        return KnownBody(Mechanism.SPECIAL_PROCEDURE)
    if REGIONAL.search(code):
        return KnownBody(Mechanism.REGIONAL)
    if NATIONAL.search(code):
        return KnownBody(Mechanism.NATIONAL)
    return KnownBody(Mechanism.OTHER)
