"""Synthetic UHRI exports for the recommendations benchmark, written as they are generated.

``synthetic_records(count)`` makes recommendations shaped like the Universal Human Rights
Index's: about 250 recommending bodies (the UPR, the treaty bodies, special procedure mandates
named "SR on …", "WG on …", "IE on …"), about 60 themes and 25 groups of affected persons, SDG
targets written "16.3 - Promote the rule of law …", one to three of 190 countries, UPR positions
and recommending States, and an English text of 400 to 700 characters in HTML that starts with
the paragraph number. The text is put together from the phrases of the record's own themes, so
that a word search finds a realistic share of the rows.

``write_uhri_json`` and ``write_uhri_xlsx`` write the same records as the UHRI's JSON export
(a list of objects, about 1.5 KB each) and its Excel export (its header with its misspellings,
multi-valued cells written "- a\\n- b", dates as Excel dates or, in some rows, bare serial
numbers). Both write one record at a time: memory does not grow with the file.

The same seed gives the same records, so the two files and the baseline hold the same rows.
"""

from __future__ import annotations

import itertools
import json
import random
import re
import shutil
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import openpyxl
import openpyxl.utils
import pycountry

SEED = 20250607
EXCEL_EPOCH = date(1899, 12, 30)

TREATY_BODIES = {
    "CAT": "CAT/C/{iso}/CO/{n}",
    "CCPR": "CCPR/C/{iso}/CO/{n}",
    "CEDAW": "CEDAW/C/{iso}/CO/{n}",
    "CERD": "CERD/C/{iso}/CO/{n}",
    "CESCR": "E/C.12/{iso}/CO/{n}",
    "CMW": "CMW/C/{iso}/CO/{n}",
    "CRC": "CRC/C/{iso}/CO/{n}",
    "CRPD": "CRPD/C/{iso}/CO/{n}",
    "CED": "CED/C/{iso}/CO/{n}",
    "SPT": "CAT/OP/{iso}/{n}",
}
MANDATE_TOPICS = [
    "torture",
    "freedom of expression",
    "freedom of peaceful assembly and of association",
    "human rights defenders",
    "independence of judges and lawyers",
    "violence against women and girls",
    "extreme poverty and human rights",
    "adequate housing",
    "the right to food",
    "the right to health",
    "the right to education",
    "safe drinking water and sanitation",
    "the rights of indigenous peoples",
    "minority issues",
    "freedom of religion or belief",
    "the rights of migrants",
    "trafficking in persons",
    "contemporary forms of slavery",
    "the sale and sexual exploitation of children",
    "the rights of persons with disabilities",
    "the enjoyment of human rights by older persons",
    "sexual orientation and gender identity",
    "racism and racial discrimination",
    "people of African descent",
    "enforced or involuntary disappearances",
    "arbitrary detention",
    "extrajudicial, summary or arbitrary executions",
    "the use of mercenaries",
    "human rights and transnational corporations",
    "the environment",
    "climate change",
    "toxic substances",
    "the right to privacy",
    "counter-terrorism and human rights",
    "truth, justice and reparation",
    "cultural rights",
    "the right to development",
    "international solidarity",
    "a democratic and equitable international order",
    "foreign debt",
    "unilateral coercive measures",
    "internally displaced persons",
    "leprosy",
    "albinism",
    "discrimination against women and girls",
    "the rights of peasants",
    "physical and mental health",
    "the right to work",
    "social protection",
    "access to justice",
    "the rule of law",
    "public participation",
    "the right to a nationality",
    "statelessness",
    "digital technologies",
    "artificial intelligence",
    "the right to science",
    "land and natural resources",
    "pastoralists and nomads",
    "prisoners and detainees",
    "juvenile justice",
    "domestic violence",
    "child marriage",
    "forced labour",
    "migrant domestic workers",
    "refugees and asylum-seekers",
    "the death penalty",
    "military justice",
    "impunity",
    "national human rights institutions",
    "anti-corruption and human rights",
    "business and human rights",
    "water and sanitation in emergencies",
    "housing in informal settlements",
    "the right to a healthy environment",
    "the right to social security",
    "decent work for young people",
    "gender equality in public life",
    "hate speech",
    "online violence",
]
MANDATE_KINDS = ["SR on", "WG on", "IE on"]

THEMES = [
    "Torture and other cruel, inhuman or degrading treatment or punishment",
    "Freedom of opinion and expression",
    "Freedom of peaceful assembly",
    "Freedom of association",
    "Human rights defenders",
    "Independence of judiciary",
    "Administration of justice & fair trial",
    "Access to justice and remedy",
    "Conditions of detention",
    "Liberty and security of the person",
    "Death penalty",
    "Enforced disappearances",
    "Extrajudicial, summary or arbitrary executions",
    "Gender-based violence",
    "Domestic violence",
    "Women's rights",
    "Discrimination against women",
    "Equality & non-discrimination",
    "Racial discrimination",
    "Rights of the child",
    "Juvenile justice",
    "Child labour",
    "Sexual exploitation of children",
    "Trafficking in persons",
    "Migrants",
    "Refugees & asylum-seekers",
    "Internally displaced persons",
    "Statelessness",
    "Minorities",
    "Indigenous peoples",
    "Persons with disabilities",
    "Older persons",
    "Sexual orientation and gender identity",
    "Right to education",
    "Right to health",
    "Right to adequate housing",
    "Right to food",
    "Right to water and sanitation",
    "Right to work",
    "Right to social security",
    "Poverty",
    "Business & human rights",
    "Environment",
    "Climate change",
    "Corruption",
    "National Human Rights Institution",
    "Cooperation with treaty bodies",
    "Cooperation with special procedures",
    "Ratification of international instruments",
    "National human rights action plans",
    "Human rights education and training",
    "Freedom of thought, conscience and religion",
    "Right to privacy",
    "Counter-terrorism",
    "Impunity",
    "Participation in public affairs and right to vote",
    "Legal & institutional reform",
    "Right to nationality",
    "Cultural rights",
    "Right to development",
]
AFFECTED_PERSONS = [
    "Women & girls",
    "Children",
    "Youth",
    "Persons with disabilities",
    "Older persons",
    "Migrants",
    "Refugees & asylum seekers",
    "Internally displaced persons",
    "Stateless persons",
    "Minorities/ racial, ethnic, linguistic, religious or descent-based groups",
    "Indigenous peoples",
    "Lesbian, gay, bisexual, transgender and intersex persons",
    "Persons deprived of their liberty",
    "Human rights defenders",
    "Journalists",
    "Judges, lawyers and prosecutors",
    "Law enforcement / police officials",
    "Civil society",
    "Persons living in poverty",
    "Persons living in rural areas",
    "Persons living with HIV/AIDS",
    "Persons affected by armed conflict",
    "Members of parliament",
    "Workers",
    "General",
]
SDGS = [
    ("1.3", "Implement social protection systems and measures for all"),
    ("1.4", "Equal rights to economic resources and access to basic services"),
    ("2.1", "End hunger and ensure access to safe, nutritious and sufficient food"),
    ("3.7", "Universal access to sexual and reproductive health-care services"),
    ("3.8", "Achieve universal health coverage"),
    ("4.1", "Ensure that all girls and boys complete free primary and secondary education"),
    ("4.5", "Eliminate gender disparities in education"),
    ("4.7", "Education for sustainable development and human rights"),
    ("5.1", "End all forms of discrimination against all women and girls everywhere"),
    ("5.2", "Eliminate all forms of violence against all women and girls"),
    ("5.3", "Eliminate all harmful practices, such as child, early and forced marriage"),
    ("5.5", "Ensure women's full and effective participation and equal opportunities"),
    ("6.1", "Achieve universal and equitable access to safe and affordable drinking water"),
    ("8.5", "Full and productive employment and decent work for all"),
    ("8.7", "Eradicate forced labour, end modern slavery and human trafficking"),
    ("8.8", "Protect labour rights and promote safe and secure working environments"),
    ("10.2", "Promote the social, economic and political inclusion of all"),
    ("10.3", "Ensure equal opportunity and reduce inequalities of outcome"),
    ("10.7", "Facilitate orderly, safe, regular and responsible migration"),
    ("11.1", "Ensure access for all to adequate, safe and affordable housing"),
    ("13.1", "Strengthen resilience and adaptive capacity to climate-related hazards"),
    ("16.1", "Significantly reduce all forms of violence and related death rates everywhere"),
    ("16.2", "End abuse, exploitation, trafficking and all forms of violence against children"),
    ("16.3", "Promote the rule of law at the national and international levels"),
    ("16.5", "Substantially reduce corruption and bribery in all their forms"),
    ("16.6", "Develop effective, accountable and transparent institutions at all levels"),
    ("16.7", "Ensure responsive, inclusive, participatory and representative decision-making"),
    ("16.9", "Provide legal identity for all, including birth registration"),
    ("16.10", "Ensure public access to information and protect fundamental freedoms"),
    ("16.a", "Strengthen relevant national institutions, including through cooperation"),
    ("16.b", "Promote and enforce non-discriminatory laws and policies"),
    ("17.17", "Encourage and promote effective public, public-private partnerships"),
]
DOCUMENT_TYPES = {
    "upr": "Report of the Working Group on the Universal Periodic Review",
    "treaty_body": "Concluding observations on the periodic report",
    "special_procedure": "Report of the Special Procedure mandate holder, country visit",
}
REGIONS = ["Africa", "Americas", "Asia", "Europe", "Oceania", "Eastern Europe", "Central Asia"]

# Phrases by theme (index into THEMES, by keyword), and the common stock of UN recommendations.
THEME_PHRASES = {
    "Torture": [
        "prevent torture and ill-treatment in all places of deprivation of liberty",
        "ensure that all allegations of torture are promptly, impartially and effectively investigated",
        "bring the definition of torture in the Criminal Code into line with article 1 of the Convention",
        "ensure that evidence obtained under torture is inadmissible in court",
        "provide victims of torture with redress, including rehabilitation and compensation",
    ],
    "expression": [
        "decriminalize defamation and bring it within the civil code",
        "guarantee freedom of expression online and offline, including for journalists and bloggers",
        "review the laws on false information to bring them into line with article 19 of the Covenant",
        "stop blocking websites and restricting access to social media",
    ],
    "assembly": [
        "amend the law on peaceful assemblies so that notification replaces authorization",
        "refrain from excessive use of force against peaceful protesters",
        "release all persons detained for taking part in peaceful demonstrations",
    ],
    "association": [
        "simplify the registration of non-governmental organizations and political parties",
        "remove undue restrictions on the foreign funding of civil society organizations",
    ],
    "defenders": [
        "protect human rights defenders from harassment, intimidation and reprisals",
        "investigate attacks on human rights defenders and journalists and bring perpetrators to justice",
    ],
    "judiciary": [
        "guarantee the full independence of the judiciary, including in the appointment of judges",
        "ensure the independence of the bar and the security of tenure of lawyers",
    ],
    "justice": [
        "guarantee the right to a fair trial and equality of arms in criminal proceedings",
        "ensure access to free legal aid for persons in vulnerable situations",
        "provide effective remedies to victims of human rights violations",
    ],
    "detention": [
        "improve material conditions of detention and reduce overcrowding in prisons",
        "ensure access to independent medical examination from the moment of arrest",
        "strengthen the national preventive mechanism and give it unannounced access to all places of detention",
        "use alternatives to pre-trial detention and limit its duration",
    ],
    "Death penalty": [
        "ratify the Second Optional Protocol to the International Covenant on Civil and Political Rights",
        "maintain the moratorium on executions with a view to abolishing the death penalty",
    ],
    "disappearances": [
        "criminalize enforced disappearance as an autonomous offence",
        "ratify the International Convention for the Protection of All Persons from Enforced Disappearance",
    ],
    "violence": [
        "criminalize domestic violence as a separate offence in the Criminal Code",
        "ensure that victims of domestic violence have access to shelters, protection orders and legal aid",
        "train police officers, prosecutors and judges on gender-based violence against women",
        "remove reconciliation procedures in cases of domestic violence",
        "collect data on gender-based violence disaggregated by age, sex and relationship",
    ],
    "women": [
        "adopt a comprehensive definition of discrimination against women",
        "increase the participation of women in political and public life, including through temporary special measures",
        "eliminate the gender pay gap and occupational segregation",
        "combat discriminatory stereotypes about the roles of women and men in the family and society",
    ],
    "discrimination": [
        "adopt comprehensive anti-discrimination legislation covering all prohibited grounds",
        "establish an independent body to monitor and combat discrimination",
    ],
    "Racial": [
        "prohibit racial discrimination and hate speech in law and practice",
        "combat racial profiling by law enforcement officials",
    ],
    "child": [
        "raise the minimum age of marriage to 18 years for both girls and boys",
        "prohibit corporal punishment of children in all settings, including the home",
        "ensure birth registration of all children regardless of the status of their parents",
        "develop a comprehensive juvenile justice system in line with international standards",
        "eliminate the worst forms of child labour, including in agriculture",
    ],
    "Trafficking": [
        "strengthen the identification of victims of trafficking and refer them to assistance",
        "prosecute traffickers and ensure adequate penalties",
    ],
    "Migrants": [
        "protect the rights of migrant workers and members of their families",
        "ratify the International Convention on the Protection of the Rights of All Migrant Workers",
    ],
    "Refugees": [
        "respect the principle of non-refoulement and establish a fair asylum procedure",
        "ensure access to documentation for refugees and asylum-seekers",
    ],
    "Statelessness": [
        "accede to the 1954 and 1961 Conventions on statelessness",
        "establish a statelessness determination procedure",
    ],
    "Minorities": [
        "protect the linguistic and cultural rights of national minorities",
        "ensure the participation of minorities in public life",
    ],
    "Indigenous": [
        "ensure the free, prior and informed consent of indigenous peoples",
        "recognize the land rights of indigenous peoples",
    ],
    "disabilities": [
        "ratify the Optional Protocol to the Convention on the Rights of Persons with Disabilities",
        "ensure inclusive education for children with disabilities",
        "replace substituted decision-making with supported decision-making",
        "make public buildings, transport and information accessible to persons with disabilities",
    ],
    "Liberty": [
        "ensure that all detained persons are brought promptly before a judge",
        "guarantee access to a lawyer of one's choice from the moment of deprivation of liberty",
    ],
    "executions": ["investigate all deaths in custody and killings by law enforcement officials"],
    "labour": ["strengthen labour inspection and prosecute those who exploit children"],
    "displaced": [
        "ensure durable solutions and access to services for internally displaced persons"
    ],
    "Older": ["protect older persons from neglect and abuse and ensure adequate pensions"],
    "Sexual orientation": [
        "prohibit discrimination on the grounds of sexual orientation and gender identity",
        "investigate hate crimes against lesbian, gay, bisexual, transgender and intersex persons",
    ],
    "education": [
        "increase public expenditure on education and ensure free and compulsory education",
        "integrate human rights education in school curricula",
        "reduce disparities in access to quality education between rural and urban areas",
    ],
    "health": [
        "ensure universal access to primary health care, including in rural areas",
        "guarantee access to sexual and reproductive health services and information",
        "improve mental health services based on free and informed consent",
    ],
    "housing": [
        "prevent forced evictions and ensure adequate alternative housing",
        "increase the availability of affordable social housing",
    ],
    "food": ["ensure access to adequate food for persons living in poverty"],
    "water": ["ensure access to safe drinking water and sanitation in rural areas"],
    "work": [
        "ensure just and favourable conditions of work, including a minimum wage",
        "guarantee the right to form and join trade unions and the right to strike",
    ],
    "social security": ["extend social protection floors to workers in the informal economy"],
    "Poverty": ["adopt a national strategy to combat poverty based on human rights"],
    "Business": ["adopt a national action plan on business and human rights"],
    "Environment": [
        "assess the environmental impact of extractive industries and consult affected communities",
        "reduce air pollution in major cities",
    ],
    "Climate": ["integrate human rights in climate change adaptation and disaster risk reduction"],
    "Corruption": ["combat corruption in the judiciary and law enforcement agencies"],
    "National Human Rights": [
        "bring the national human rights institution into full compliance with the Paris Principles",
        "provide the Ombudsman with adequate financial and human resources",
    ],
    "treaty bodies": [
        "submit overdue reports to the treaty bodies",
        "establish a national mechanism for implementation, reporting and follow-up",
    ],
    "special procedures": [
        "extend a standing invitation to all special procedures",
        "accept the pending requests for visits of special procedure mandate holders",
    ],
    "Ratification": [
        "ratify the core international human rights instruments to which it is not yet a party",
        "accept the individual complaints procedures of the treaty bodies",
    ],
    "action plans": [
        "adopt and implement a national human rights action plan with measurable indicators",
    ],
    "training": ["provide systematic human rights training to civil servants and law enforcement"],
    "religion": [
        "remove the mandatory registration of religious communities",
        "guarantee the right to conscientious objection to military service",
    ],
    "privacy": ["ensure that surveillance is lawful, necessary and proportionate"],
    "terrorism": [
        "bring the definition of extremism and terrorism into line with international standards",
    ],
    "Impunity": ["ensure accountability for human rights violations committed by security forces"],
    "vote": ["guarantee free and fair elections and the right to stand for election"],
    "reform": ["review national legislation to ensure its compatibility with the Covenant"],
    "nationality": ["guarantee the right to a nationality for all children born on its territory"],
    "Cultural": ["protect cultural heritage and the right to take part in cultural life"],
    "development": ["integrate human rights in national development strategies"],
}
OPENINGS = [
    "Take all necessary measures to",
    "Take effective measures to",
    "Continue its efforts to",
    "Redouble its efforts to",
    "Strengthen measures to",
    "Adopt legislation to",
    "Consider taking steps to",
]
OPENINGS_BY_MECHANISM = {
    "upr": ["Ensure that it takes steps to"],
    "treaty_body": ["The Committee recommends that the State party"],
    "special_procedure": ["The Special Rapporteur recommends that the Government"],
}
QUALIFIERS = [
    "in line with its international human rights obligations",
    "with the meaningful participation of civil society organizations",
    "and allocate sufficient human, technical and financial resources for that purpose",
    "including by providing training to judges, prosecutors, lawyers and law enforcement officials",
    "and provide information on the measures taken in its next periodic report",
    "taking into account the general comments of the Committee",
    "in accordance with the Sustainable Development Goals",
    "and raise awareness among the general public of the rights concerned",
    "and collect disaggregated data to assess the progress achieved",
    "in cooperation with the Office of the High Commissioner for Human Rights",
    "and ensure that the relevant laws are effectively implemented in practice",
    "with particular attention to persons in vulnerable situations",
]
UPR_STATES = [
    "Australia", "Austria", "Belgium", "Brazil", "Canada", "Chile", "China", "Czechia",
    "Denmark", "Egypt", "Estonia", "Finland", "France", "Germany", "Iceland", "India",
    "Indonesia", "Ireland", "Italy", "Japan", "Kyrgyzstan", "Lithuania", "Luxembourg", "Mexico",
    "Montenegro", "Netherlands (Kingdom of the)", "New Zealand", "Norway", "Pakistan", "Poland",
    "Portugal", "Republic of Korea", "Russian Federation", "Slovenia", "Spain", "Sweden",
    "Switzerland", "Tajikistan", "Türkiye", "Ukraine", "United Kingdom of Great Britain and Northern Ireland",
    "United States of America", "Uruguay", "Uzbekistan", "Viet Nam",
]  # fmt: skip
POSITIONS = ["Supported"] * 13 + ["Noted"] * 6 + ["Supported/Noted"]


def _countries() -> list[tuple[str, str]]:
    """190 (name, ISO alpha-3) pairs, Kazakhstan among them."""
    countries = sorted(pycountry.countries, key=lambda c: c.alpha_3)
    chosen = [(str(c.name), str(c.alpha_3)) for c in countries if len(c.name) < 40][:189]
    if not any(code == "KAZ" for _name, code in chosen):
        chosen.append(("Kazakhstan", "KAZ"))
    return chosen


COUNTRIES = _countries()
BODIES: list[tuple[str, str]] = [("UPR", "upr")]
BODIES += [(code, "treaty_body") for code in TREATY_BODIES]
BODIES += [
    (f"{kind} {topic}", "special_procedure") for topic in MANDATE_TOPICS for kind in MANDATE_KINDS
]


@dataclass
class Synthetic:
    """One recommendation as the generator made it (plain values, before any file format)."""

    annotation_id: str
    body: str
    mechanism: str
    symbol: str
    paragraph: str
    text: str  # without the paragraph number
    themes: list[str]
    affected_persons: list[str]
    sdgs: list[tuple[str, str]]
    countries: list[tuple[str, str]]  # (name, ISO alpha-3)
    document_date: date
    position: str  # as UHRI writes it; "" outside the UPR
    recommending_states: list[str]
    session: str
    cycle: str
    published_on_uhri: date

    @property
    def html(self) -> str:
        return f"<p>{self.paragraph} {self.text}</p>"


def _phrases_for(theme: str) -> list[str]:
    name = theme.casefold()
    return [p for key, phrases in THEME_PHRASES.items() if key.casefold() in name for p in phrases]


THEME_TEXTS = {theme: _phrases_for(theme) for theme in THEMES}
ALL_PHRASES = [phrase for phrases in THEME_PHRASES.values() for phrase in phrases]


def _text(rng: random.Random, mechanism: str, themes: list[str], target: int) -> str:
    pool = [phrase for theme in themes for phrase in THEME_TEXTS[theme]] or ALL_PHRASES
    sentences: list[str] = []
    length = 0
    while length < target:
        opening = rng.choice(OPENINGS + OPENINGS_BY_MECHANISM[mechanism])
        phrase = rng.choice(pool) if rng.random() < 0.85 else rng.choice(ALL_PHRASES)
        clauses = [phrase]
        if rng.random() < 0.6:
            other = rng.choice(pool if rng.random() < 0.7 else ALL_PHRASES)
            if other != phrase:
                clauses.append("and " + other)
        clauses.append(rng.choice(QUALIFIERS))
        verb = opening if opening.endswith("to") else opening + " should"
        sentence = f"{verb} {', '.join(clauses)}."
        if sentences and length + len(sentence) > 700:
            break
        sentences.append(sentence)
        length += len(sentence) + 1
    return " ".join(sentences)


def synthetic_records(count: int, *, seed: int = SEED) -> Iterator[Synthetic]:
    rng = random.Random(seed)
    special = [body for body in BODIES if body[1] == "special_procedure"]
    treaty = [body for body in BODIES if body[1] == "treaty_body"]
    for index in range(count):
        roll = rng.random()
        if roll < 0.5:
            body, mechanism = BODIES[0]
        elif roll < 0.85:
            body, mechanism = rng.choice(treaty)
        else:
            body, mechanism = rng.choice(special)
        year = rng.randint(2008, 2024)
        document_date = date(year, rng.randint(1, 12), rng.randint(1, 28))
        country = rng.choice(COUNTRIES)
        countries = [country]
        if mechanism == "special_procedure" and rng.random() < 0.3:
            countries = list(dict.fromkeys(countries + rng.sample(COUNTRIES, rng.randint(1, 2))))
        iso = country[1]
        themes = list(dict.fromkeys(rng.choices(THEMES, k=rng.choice((1, 2, 2, 3)))))
        affected = list(dict.fromkeys(rng.choices(AFFECTED_PERSONS, k=rng.choice((0, 1, 1, 2)))))
        sdgs = list(dict.fromkeys(rng.choices(SDGS, k=rng.choice((0, 1, 1, 2)))))
        position, states, session, cycle = "", [], "", ""
        if mechanism == "upr":
            cycle = str(min(4, 1 + (year - 2008) // 5))
            session = str(1 + (year - 2008) * 3 + rng.randint(0, 2))
            symbol = f"A/HRC/{7 + (year - 2008) * 3}/{rng.randint(2, 20)}"
            paragraph = f"{rng.randint(95, 160)}.{rng.randint(1, 250)}"
            position = rng.choice(POSITIONS)
            states = rng.sample(UPR_STATES, rng.choice((1, 1, 1, 2, 3)))
        elif mechanism == "treaty_body":
            symbol = TREATY_BODIES[body].format(iso=iso, n=rng.randint(1, 9))
            paragraph = f"{rng.randint(8, 60)}" + (
                f" ({rng.choice('abcdefg')})" if rng.random() < 0.4 else ""
            )
        else:
            symbol = f"A/HRC/{7 + (year - 2008) * 3}/{rng.randint(20, 70)}/Add.{rng.randint(1, 3)}"
            paragraph = str(rng.randint(60, 120))
        yield Synthetic(
            annotation_id=(
                f"{rng.getrandbits(32):08x}-{rng.getrandbits(16):04x}-4{rng.getrandbits(12):03x}-"
                f"{0x8000 | rng.getrandbits(14):04x}-{index:012x}"
            ),
            body=body,
            mechanism=mechanism,
            symbol=symbol,
            paragraph=paragraph,
            text=_text(rng, mechanism, themes, rng.randint(380, 660)),
            themes=themes,
            affected_persons=affected,
            sdgs=sdgs,
            countries=countries,
            document_date=document_date,
            position=position,
            recommending_states=states,
            session=session,
            cycle=cycle,
            published_on_uhri=date(min(2025, year + 1), rng.randint(1, 12), rng.randint(1, 28)),
        )


# --- JSON -------------------------------------------------------------------------------------


def _iso(value: date) -> str:
    return f"{value.isoformat()}T00:00:00"


def uhri_json_object(record: Synthetic) -> dict[str, object]:
    return {
        "AnnotationId": record.annotation_id,
        "AnnotationType": "Recommendation",
        "Text": record.html,
        "Body": record.body,
        "Symbol": record.symbol,
        "PublicationDate": _iso(record.document_date),
        "PublicationDateUhri": _iso(record.published_on_uhri),
        "Countries": [name for name, _code in record.countries],
        "Regions": sorted(
            {REGIONS[zlib.crc32(code.encode()) % len(REGIONS)] for _n, code in record.countries}
        ),
        "Themes": record.themes,
        "AffectedPersons": record.affected_persons,
        "Sdgs": [f"{code} - {title}" for code, title in record.sdgs],
        "UprRecommendingCountry": record.recommending_states,
        "RecommendingRegions": sorted(
            {REGIONS[len(state) % len(REGIONS)] for state in record.recommending_states}
        ),
        "UprPositions": [record.position] if record.position else [],
        "UprSession": record.session,
        "UprCycle": record.cycle,
        "DocumentType": DOCUMENT_TYPES[record.mechanism],
        "DocumentTitle": f"{DOCUMENT_TYPES[record.mechanism]} on {record.countries[0][0]}",
        "Language": "English",
        "Url": f"https://uhri.ohchr.org/en/document/{record.annotation_id}",
    }


def write_uhri_json(path: Path, count: int, *, seed: int = SEED) -> int:
    """Write ``count`` records as a UHRI JSON export; return the file's size in bytes."""
    with path.open("w", encoding="utf-8", buffering=1024 * 1024) as stream:
        stream.write("[\n")
        for index, record in enumerate(synthetic_records(count, seed=seed)):
            if index:
                stream.write(",\n")
            stream.write(json.dumps(uhri_json_object(record), ensure_ascii=False))
        stream.write("\n]\n")
    return path.stat().st_size


# --- Excel ------------------------------------------------------------------------------------

XLSX_HEADER = [
    "Text",
    "Themes",
    "SDGs",
    "Affected Persons",
    "Countries Concerned",
    "Regions Concerned",
    "Reccomending Body",
    "Document Symbol",
    "Document Publication Date",
    "Type",
    "UPR Position",
    "UPR Reccomending States",
    "Recommending Regions",
    "UPR Session",
    "UPR Cycle",
    "Date of Publication on UHRI",
    "OHCHR Annotation Id",
]


def _listed(values: list[str]) -> str | None:
    return "\n".join(f"- {value}" for value in values) if values else None


def uhri_xlsx_row(record: Synthetic, index: int) -> list[object]:
    """One row of the Excel export; every seventh row has its dates as bare serial numbers."""
    obj = uhri_json_object(record)
    if index % 7 == 3:
        published: object = float((record.document_date - EXCEL_EPOCH).days)
        on_uhri: object = float((record.published_on_uhri - EXCEL_EPOCH).days)
    else:
        published = datetime.combine(record.document_date, datetime.min.time())
        on_uhri = datetime.combine(record.published_on_uhri, datetime.min.time())
    return [
        record.html,
        _listed(record.themes),
        _listed(obj["Sdgs"]),  # type: ignore[arg-type]
        _listed(record.affected_persons),
        _listed(obj["Countries"]),  # type: ignore[arg-type]
        _listed(obj["Regions"]),  # type: ignore[arg-type]
        f"- {record.body}",
        record.symbol,
        published,
        "Recommendation",
        _listed([record.position] if record.position else []),
        _listed(record.recommending_states),
        _listed(obj["RecommendingRegions"]),  # type: ignore[arg-type]
        record.session or None,
        record.cycle or None,
        on_uhri,
        record.annotation_id,
    ]


def write_uhri_xlsx(
    path: Path, count: int, *, seed: int = SEED, shared_strings: bool = False
) -> int:
    """Write ``count`` records as a UHRI Excel export; return the file's size in bytes.

    openpyxl's write-only mode streams the rows to a temporary file, so memory stays flat
    however many rows are written. Its files differ from Excel's in two ways, which the copy
    made afterwards (``finish_workbook``) puts right: openpyxl leaves out the sheet's
    ``<dimension>`` (its size), which Excel and the usual export libraries write and readers use
    (openpyxl's own read-only mode reads the whole sheet to learn its size when it is missing);
    and it writes every text in its cell ("inline strings"), where Excel keeps the texts in one
    shared-strings part that the cells point into. ``shared_strings=True`` moves them there.
    """
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Export")
    sheet.append(XLSX_HEADER)
    for index, record in enumerate(synthetic_records(count, seed=seed)):
        sheet.append(uhri_xlsx_row(record, index))
    written = path.with_name(f"{path.stem}-openpyxl.xlsx")
    workbook.save(written)
    last_column = openpyxl.utils.get_column_letter(len(XLSX_HEADER))
    finish_workbook(written, path, f"A1:{last_column}{count + 1}", shared_strings=shared_strings)
    written.unlink()
    return path.stat().st_size


INLINE_CELL = re.compile(
    rb'<c r="([A-Z]+[0-9]+)"( s="[0-9]+")? t="inlineStr"><is><t(?: xml:space="preserve")?>'
    rb"(.*?)</t></is></c>",
    re.S,
)
SHARED_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
SHARED_STRINGS_RELATION = (
    b'<Relationship Id="rIdSharedStrings" Type="http://schemas.openxmlformats.org/'
    b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    b"</Relationships>"
)


def finish_workbook(source: Path, target: Path, ref: str, *, shared_strings: bool) -> None:
    """Copy the workbook ``source`` to ``target`` with ``<dimension ref="…">`` in its sheet,
    and its inline strings moved to a shared-strings part if ``shared_strings``.

    The sheet is copied a row at a time; the shared strings go to a temporary file first (the
    part must be whole before it is added), so memory stays flat.
    """
    element = f'<dimension ref="{ref}"/><sheetViews>'.encode()
    strings = target.with_name(f"{target.stem}-strings.xml")
    with (
        zipfile.ZipFile(source) as archive,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy,
        strings.open("w+b") as table,
    ):
        table.write(
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns='
            b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        )
        counter = itertools.count()

        def share(match: re.Match[bytes]) -> bytes:
            table.write(b'<si><t xml:space="preserve">' + match[3] + b"</t></si>")
            style = match[2] or b""
            return b'<c r="' + match[1] + b'"' + style + b' t="s"><v>%d</v></c>' % next(counter)

        for info in archive.infolist():
            with (
                archive.open(info) as reading,
                copy.open(info.filename, "w", force_zip64=True) as writing,
            ):
                if not info.filename.startswith("xl/worksheets/sheet"):
                    data = reading.read()
                    if shared_strings and info.filename == "[Content_Types].xml":
                        data = data.replace(b"</Types>", SHARED_STRINGS_TYPE)
                    if shared_strings and info.filename == "xl/_rels/workbook.xml.rels":
                        data = data.replace(b"</Relationships>", SHARED_STRINGS_RELATION)
                    writing.write(data)
                    continue
                head = reading.read(64 * 1024)
                if b"<dimension " not in head:
                    if b"<sheetViews>" not in head:
                        raise ValueError(f"No <sheetViews> in the head of {info.filename}")
                    head = head.replace(b"<sheetViews>", element, 1)
                if not shared_strings:
                    writing.write(head)
                    shutil.copyfileobj(reading, writing, 1024 * 1024)
                    continue
                rest = head
                while chunk := reading.read(1024 * 1024):
                    rest += chunk
                    end = rest.rfind(b"</row>") + len(b"</row>")
                    writing.write(INLINE_CELL.sub(share, rest[:end]))
                    rest = rest[end:]
                writing.write(INLINE_CELL.sub(share, rest))
        if shared_strings:
            table.write(b"</sst>")
            table.seek(0)
            with copy.open("xl/sharedStrings.xml", "w", force_zip64=True) as writing:
                shutil.copyfileobj(table, writing, 1024 * 1024)
    strings.unlink()
