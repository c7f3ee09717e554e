"""Who is asking: 'als wethouder …', 'ik ben gemeentesecretaris', 'programmamanager hier'.

A tip written for the asker's own audience helps more than one for another, so
when people say who they are, their tips come first. We only listen to explicit
statements about the asker; a question *about* a wethouder says nothing about
who asks it.
"""

from __future__ import annotations

import re

from antenne.bot.content.model import Audience
from antenne.bot.text import plain_tokens, tokens


def _role_words(words: str, audience: Audience) -> dict[str, Audience]:
    return dict.fromkeys(words.split(), audience)


ROLE_WORDS: dict[str, Audience] = {
    **_role_words(
        "wethouder bestuurder portefeuillehouder pfh gedeputeerde dijkgraaf heemraad burgemeester "
        "minister staatssecretaris bewindspersoon collegelid",
        Audience.BESTUURDER,
    ),
    **_role_words(
        "gemeentesecretaris gemsec topambtenaar secretaris-directeur secretarisdirecteur directeur "
        "provinciesecretaris secretaris-generaal sg afdelingshoofd concerndirecteur griffier "
        "algemeen-directeur mt-lid",
        Audience.TOPAMBTENAAR,
    ),
    **_role_words(
        "ambtenaar beleidsmedewerker beleidsadviseur adviseur projectleider programmamanager medewerker "
        "griffiemedewerker jurist controller teamleider trainee stagiair beleidsambtenaar projectmanager "
        "regisseur coordinator accountmanager",
        Audience.AMBTENAAR,
    ),
}
# "als wethouder", "ik ben (net begonnen als) beleidsmedewerker", "werk als adviseur"
INTRODUCERS = frozenset({"als", "ben", "werkzaam"})
# Words that may stand between the introducer and the role ("ik ben een nieuwe adviseur");
# anything else ("als de wethouder", "ik werk voor één wethouder") is about someone else.
FILLERS = frozenset(
    {
        "een",
        "net",
        "pas",
        "begonnen",
        "nieuwe",
        "nieuw",
        "kersverse",
        "jonge",
        "ervaren",
        "senior",
        "junior",
        "beginnende",
        "zelf",
        "hier",
        "ook",
    }
)
LOOKBACK = 4
# What follows a hyphen in a role word ('directeur' in 'secretaris-directeur'): only
# these can join the word before them, and every role needs one of ROLE_PARTS.
_TAILS = frozenset(role[i + 1 :] for role in ROLE_WORDS for i, ch in enumerate(role) if ch == "-")
ROLE_PARTS = frozenset(ROLE_WORDS) | {part for role in ROLE_WORDS for part in role.split("-")}


def _joined(words: list[str]) -> list[str]:
    """Tokens with hyphenated role words put back together (secretaris directeur -> secretaris-directeur)."""
    joined: list[str] = []
    for word in words:
        if joined and word in _TAILS and f"{joined[-1]}-{word}" in ROLE_WORDS:
            joined[-1] = f"{joined[-1]}-{word}"
        else:
            joined.append(word)
    return joined


def self_introduced(before: list[str]) -> bool:
    """True when the words before a role read 'als …' or 'ik ben …' with only fillers between."""
    for word in reversed(before):
        if word in INTRODUCERS:
            return True
        if word not in FILLERS:
            return False
    return False


# What makes tokens() differ from plain_tokens(): markup it strips, numbers of 5+ digits it drops.
_MARKUP = re.compile(r"https?://|www\.|[<&]", re.IGNORECASE)
_FIVE_DIGITS = re.compile(r"[0-9]{5}")


def _words(question: str, written: list[str] | None) -> list[str]:
    """tokens(question), from plain_tokens(question) (`written`, when the caller has it)
    for the usual message without markup or long numbers: a third of the cost."""
    if _MARKUP.search(question) is None:
        if written is None:
            written = plain_tokens(question)
        if _FIVE_DIGITS.search(" ".join(written)) is None:
            return written
    return tokens(question)


def asker_role(question: str, written: list[str] | None = None) -> Audience | None:
    """The audience the asker says they belong to, or None when they do not say.

    `written`: plain_tokens(question), when the caller has it already.
    """
    words = _words(question, written)
    if ROLE_PARTS.isdisjoint(words):  # most questions name no role at all
        return None
    return role_in(_joined(words))


def role_in(words: list[str]) -> Audience | None:
    """The first role word the asker uses of themselves ('als wethouder', 'wethouder hier')."""
    for i, word in enumerate(words):
        audience = ROLE_WORDS.get(word)
        if audience is None:
            continue
        if words[i + 1 : i + 2] == ["hier"] or self_introduced(words[max(0, i - LOOKBACK) : i]):
            return audience
    return None
