"""Field rules for the YAML files editors write.

Kept as data (not code paths) so the checker, the loader and the content README
agree on one definition. Keys are Dutch because content editors write them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldRule:
    name: str
    type: type  # str, list or dict
    required: bool = True
    min_items: int = 0


MIN_CASE_QUESTIONS = 6
MIN_THEME_QUESTIONS = 4

SOURCE_FIELDS = (FieldRule("titel", str), FieldRule("auteur", str))

CASE_FIELDS = (
    FieldRule("id", str),
    FieldRule("soort", str),
    FieldRule("titel", str),
    FieldRule("samenvatting", str),
    FieldRule("wat_er_gebeurde", str),
    FieldRule("wat_ging_er_mis", str),
    FieldRule("lessen", list, min_items=1),
    FieldRule("wat_nu", list, min_items=1),
    FieldRule("themas", list, min_items=1),
    FieldRule("kerntips", list, min_items=1),
    FieldRule("trefwoorden", list, min_items=1),
    FieldRule("bespreekvraag", str),
    FieldRule("bron", dict),
    FieldRule("voorbeeldvragen", list, min_items=MIN_CASE_QUESTIONS),
)

THEME_FIELDS = (
    FieldRule("id", str),
    FieldRule("soort", str),
    FieldRule("titel", str),
    FieldRule("inleiding", str),
    FieldRule("trefwoorden", list, min_items=1),
    FieldRule("bespreekvraag", str),
    FieldRule("bron", dict),
    FieldRule("voorbeeldvragen", list, min_items=MIN_THEME_QUESTIONS),
    FieldRule("tips", list, min_items=1),
)

TIP_FIELDS = (
    FieldRule("id", str),
    FieldRule("doelgroep", str),
    FieldRule("tekst", str),
    FieldRule("bron", dict, required=False),
)

# The first answer to a case is a chat message, not a report: editors decide what goes
# in it by ordering (the first lesson, the first steps, the first key tips), and the
# checker keeps that selection within what a chat message can hold. The rest is shown
# by "Meer over deze casus".
FIRST_ANSWER_LESSONS = 1
FIRST_ANSWER_STEPS = 3
FIRST_ANSWER_TIPS = 2
SUMMARY_MAX_SENTENCES = 2
# Characters of content text in a first answer (title, summary, first lesson, first
# steps, first key tips, source); rendering adds about 300 more, within 1,200.
FIRST_ANSWER_TEXT_MAX = 880
TIP_TEXT_MAX = 399  # a tip answer stays under 400 characters of tip text

CASE_KIND = "casus"
THEME_KIND = "thema"
