"""Compose answers from content. All user-facing wording lives here, in Dutch."""

from __future__ import annotations

import re
from functools import lru_cache

from antenne.bot.answers.actions import ActionPayload, encode
from antenne.bot.answers.model import Action, ActionKind, Answer, AnswerKind, Section, TipView
from antenne.bot.content.model import Case, KnowledgeBase, Theme, Tip
from antenne.bot.content.schema import FIRST_ANSWER_LESSONS, FIRST_ANSWER_STEPS, FIRST_ANSWER_TIPS
from antenne.bot.matching.analyzer import Via
from antenne.bot.matching.matcher import MatchedWord, MatchOutcome, Result
from antenne.bot.text import fold, tokens

CASE_DETAIL_TIPS_SHOWN = 4  # "Meer over deze casus": every key tip, topped up from the case's themes
SUGGESTIONS_SHOWN = 3

AUDIENCE_LABEL = {"ambtenaar": "ambtenaar", "topambtenaar": "topambtenaar", "bestuurder": "bestuurder"}
VIA_LABEL = {
    Via.WORD: "staat er letterlijk",
    Via.DERIVATION: "ander woord van dezelfde stam",
    Via.COMPOUND: "deel van een samengesteld woord",
    Via.TYPO: "verbeterde typfout",
    Via.SYNONYM: "synoniem",
}

CAPABILITIES = (
    "Ik ben Antenne. Ik help ambtenaren met bestuurlijke sensitiviteit: samenwerken met de raad, "
    "het college, de wethouder en andere bestuurders."
)


def make_action(
    kind: ActionKind, label: str, item_id: str = "", question: str = "", exclude: tuple[str, ...] = ()
) -> Action:
    if not question:
        return _content_action(kind, label, item_id, exclude)
    return Action(kind, label, encode(ActionPayload(kind, item_id, question, exclude)))


@lru_cache(maxsize=4096)
def _content_action(kind: ActionKind, label: str, item_id: str, exclude: tuple[str, ...]) -> Action:
    """A button that names only content (feedback, more, another tip): the same for everyone who
    sees that item, so made once. Buttons carrying the asker's question are never kept."""
    return Action(kind, label, encode(ActionPayload(kind, item_id, "", exclude)))


def feedback_actions(item_id: str) -> tuple[Action, ...]:
    return (
        make_action(ActionKind.FEEDBACK_UP, "👍", item_id),
        make_action(ActionKind.FEEDBACK_DOWN, "👎", item_id),
    )


def tip_view(kb: KnowledgeBase, tip: Tip) -> TipView:
    theme = kb.theme(tip.theme)
    return TipView(
        id=tip.id,
        theme_id=tip.theme,
        theme_title=theme.title if theme else tip.theme,
        audience=AUDIENCE_LABEL[tip.audience.value],
        text=tip.text,
        source=tip.source.cite(),
        editorial=tip.source.editorial,
    )


def case_answer(kb: KnowledgeBase, case: Case, tips: list[Tip], question: str = "") -> Answer:
    """The first answer: chat-sized. Editors choose what goes in by ordering the case's lists."""
    tips = tips[:FIRST_ANSWER_TIPS]
    shown = tuple(t.id for t in tips)
    actions = [
        make_action(ActionKind.MORE, "Meer over deze casus", case.id),
        make_action(ActionKind.OTHER_TIP, "Andere tip", case.themes[0], exclude=shown),
    ]
    if question:
        actions.append(make_action(ActionKind.WHY, "Waarom dit antwoord?", case.id, question))
    return Answer(
        kind=AnswerKind.CASE,
        title=case.title,
        intro=case.summary,
        sections=(
            Section("De les", bullets=case.lessons[:FIRST_ANSWER_LESSONS]),
            Section("Wat nu", bullets=case.next_steps[:FIRST_ANSWER_STEPS]),
        ),
        tips=tuple(tip_view(kb, t) for t in tips),
        source=case.source.cite(),
        actions=(*actions, *feedback_actions(case.id)),
        item_id=case.id,
    )


def case_detail_answer(kb: KnowledgeBase, case: Case, tips: list[Tip]) -> Answer:
    """'Meer over deze casus': the whole case, every step and more tips."""
    tips = tips[:CASE_DETAIL_TIPS_SHOWN]
    return Answer(
        kind=AnswerKind.CASE_DETAIL,
        title=case.title,
        intro=case.summary,
        sections=(
            Section("Wat er gebeurde", case.what_happened),
            Section("Wat ging er mis of goed", case.what_went_wrong_or_right),
            Section("Lessen", bullets=case.lessons),
            Section("Wat nu", bullets=case.next_steps),
            Section("Bespreek met elkaar", case.discussion_question),
        ),
        tips=tuple(tip_view(kb, t) for t in tips),
        source=case.source.cite(),
        actions=(
            make_action(ActionKind.OTHER_TIP, "Andere tip", case.themes[0], exclude=tuple(t.id for t in tips)),
            *feedback_actions(case.id),
        ),
        item_id=case.id,
    )


def tip_answer(
    kb: KnowledgeBase, tip: Tip, *, question: str = "", intro: str = "", seen: tuple[str, ...] = ()
) -> Answer:
    theme = kb.theme(tip.theme)
    actions = [make_action(ActionKind.OTHER_TIP, "Andere tip", tip.theme, exclude=(*seen, tip.id))]
    if question:
        actions.append(make_action(ActionKind.WHY, "Waarom dit antwoord?", tip.id, question))
    return Answer(
        kind=AnswerKind.TIP,
        title=f"Tip: {theme.title}" if theme else "Tip",
        intro=intro,
        tips=(tip_view(kb, tip),),
        source=tip.source.cite(),
        actions=(*actions, *feedback_actions(tip.id)),
        item_id=tip.id,
    )


def _option_title(kb: KnowledgeBase, result: Result) -> str:
    if result.kind == "case":
        return result.title
    return f"Tips over '{result.title}'"


def _options(kb: KnowledgeBase, outcome: MatchOutcome) -> tuple[tuple[str, ...], tuple[Action, ...]]:
    """The titles of the offered items and a button for each, then 'Geen van deze'."""
    results = outcome.results[:SUGGESTIONS_SHOWN]
    options = tuple(_option_title(kb, r) for r in results)
    actions = (
        *(
            make_action(ActionKind.CHOOSE, title, r.id, outcome.question)
            for r, title in zip(results, options, strict=True)
        ),
        make_action(ActionKind.NONE_OF_THESE, "Geen van deze", question=outcome.question),
    )
    return options, actions


def ambiguous_answer(kb: KnowledgeBase, outcome: MatchOutcome) -> Answer:
    options, actions = _options(kb, outcome)
    return Answer(
        kind=AnswerKind.AMBIGUOUS,
        title="Bedoel je …?",
        intro="Je vraag past bij meer dan één onderwerp. Kies wat het beste past:",
        suggestions=options,
        actions=actions,
    )


UNSURE_HINT = (
    "Past geen van deze? Beschrijf dan kort wat er speelt en met wie: bijvoorbeeld je wethouder, "
    "de raad of de griffie, en wat je wilt bereiken. Eén situatie per vraag helpt mij het meest."
)


def unsure_answer(kb: KnowledgeBase, outcome: MatchOutcome) -> Answer:
    """On-topic, but no item is clearly right: offer the best three, never 'outside my subject'."""
    options, actions = _options(kb, outcome)
    return Answer(
        kind=AnswerKind.UNSURE,
        title="Bedoel je een van deze?",
        intro="Ik weet niet zeker wat je bedoelt. Gaat het om een van deze?",
        sections=(Section("Zo vind ik het beter", UNSURE_HINT),),
        suggestions=options,
        actions=actions,
    )


SHOWCASE_QUESTIONS = 8
SUGGESTION_MAX_CHARS = 80


def example_questions(kb: KnowledgeBase, seed: str, count: int = SUGGESTIONS_SHOWN) -> tuple[str, ...]:
    """A few example questions from different topics; varied per question, stable for the same one."""
    topics: list[Case | Theme] = [*kb.cases, *kb.themes]
    if not topics:
        return ()
    start = sum(map(ord, seed)) % len(topics)
    picked = []
    for offset in range(count):
        topic = topics[(start + offset * 7) % len(topics)]
        shown = _showable(topic.example_questions)
        picked.append(shown[(start + offset) % len(shown)])
    return tuple(dict.fromkeys(picked))


def _showable(questions: tuple[str, ...]) -> tuple[str, ...]:
    """Short questions from the start of the list, where editors put their showcase ones.

    The long, hurried examples further down teach the matcher; as a suggestion to type
    they read as a wall of text (and some carry deliberate typos).
    """
    return tuple(q for q in questions[:SHOWCASE_QUESTIONS] if len(q) <= SUGGESTION_MAX_CHARS) or questions[:1]


def not_answered_answer(kb: KnowledgeBase, outcome: MatchOutcome) -> Answer:
    if outcome.english:
        intro = (
            "Antenne werkt in het Nederlands. Stel je vraag in het Nederlands, dan zoek ik een casus "
            "of tip voor je. (Antenne answers in Dutch only.)"
        )
    else:
        intro = (
            "Daar kan ik je helaas niet mee helpen: die vraag valt buiten mijn onderwerp. "
            + CAPABILITIES
            + " Probeer bijvoorbeeld een van deze vragen, of typ 'tip' voor een willekeurige tip."
        )
    return Answer(
        kind=AnswerKind.NOT_ANSWERED,
        title="Daar kan ik je niet mee helpen",
        intro=intro,
        suggestions=example_questions(kb, outcome.question),
        actions=(make_action(ActionKind.OTHER_TIP, "Geef me een tip"),),
    )


def empty_answer(kb: KnowledgeBase) -> Answer:
    return Answer(
        kind=AnswerKind.EMPTY,
        title="Wat wil je weten?",
        intro="Ik zie geen vraag. Beschrijf in een paar woorden wat er speelt, bijvoorbeeld:",
        suggestions=example_questions(kb, "leeg"),
        actions=(make_action(ActionKind.OTHER_TIP, "Geef me een tip"),),
    )


def help_answer(kb: KnowledgeBase, command: str = "/tip", digest: str | None = "/tip digest") -> Answer:
    """`digest` is how the platform's people start a digest command; None where there is no digest."""
    digest_usage = (
        (
            f"{digest} aan: elke week de casus en tip van de week in dit kanaal "
            f"(ook '{digest} aan vr 16:00', '{digest} uit' en '{digest} status').",
        )
        if digest
        else ()
    )
    return Answer(
        kind=AnswerKind.HELP,
        title="Wat Antenne voor je kan doen",
        intro=CAPABILITIES,
        sections=(
            Section(
                "Zo gebruik je mij",
                bullets=(
                    "Stel een vraag in gewone woorden, bijvoorbeeld: 'raadslid belt me over een budget, wat nu?'. "
                    "Ik antwoord met de best passende casus en een paar praktische tips, met bron.",
                    f"{command}: een willekeurige tip.",
                    f"{command} <onderwerp>: een tip over een onderwerp, bijvoorbeeld '{command} tegenspraak'.",
                    f"{command} ambtenaar, topambtenaar of bestuurder: een tip voor die doelgroep.",
                    *digest_usage,
                ),
            ),
            Section(
                "Onderwerpen",
                bullets=tuple(t.title for t in kb.themes),
            ),
        ),
        actions=(make_action(ActionKind.OTHER_TIP, "Geef me een tip"),),
    )


CERTAINTY_TEXT = {
    "hoog": "Hoog: je vraag past duidelijk bij dit onderwerp.",
    "middel": "Middel: dit onderwerp past, maar een ander kan ook bedoeld zijn.",
    "laag": "Laag: ik twijfelde. Kijk ook naar de andere onderwerpen of stel je vraag wat concreter.",
}
_TYPED_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")


def _as_typed(question: str) -> dict[str, str]:
    """Map each folded word of the question back to how the asker typed it."""
    typed: dict[str, str] = {}
    for word in _TYPED_WORD.findall(question):
        for folded in tokens(word):
            typed.setdefault(folded, word)
    return typed


def _matched_line(word: MatchedWord, typed: dict[str, str]) -> str:
    asked = typed.get(word.asked, word.asked)
    item_word = word.in_item or word.matched
    if word.via is Via.WORD and fold(asked) == item_word:
        return f"'{asked}'"
    if word.via is Via.WORD:
        return f"'{asked}' (hier: '{item_word}')"
    return f"'{asked}' → '{word.matched}' ({VIA_LABEL[word.via]}; hier: '{item_word}')"


def why_answer(kb: KnowledgeBase, outcome: MatchOutcome, result: Result | None, item_title: str) -> Answer:
    """Why this item: the asker's own words that matched, the item's words, and a plain certainty."""
    if result is None:
        return notice("Waarom dit antwoord?", "Ik kan dit antwoord niet meer herleiden; stel je vraag gerust opnieuw.")
    typed = _as_typed(outcome.question)
    words = tuple(dict.fromkeys(_matched_line(m, typed) for m in result.matched))
    first = bool(outcome.results) and outcome.results[0].id == result.id
    certainty = outcome.certainty if first else "laag"
    return Answer(
        kind=AnswerKind.WHY,
        title="Waarom dit antwoord?",
        intro=f"Je vraag '{outcome.question}' paste het best bij '{item_title}'.",
        sections=(
            Section("Woorden die overeenkwamen, zoals jij ze typte", bullets=words or ("geen enkel woord letterlijk",)),
            Section("Hoe zeker", CERTAINTY_TEXT[certainty]),
        ),
    )


def notice(title: str, text: str) -> Answer:
    return Answer(kind=AnswerKind.NOTICE, title=title, intro=text)
