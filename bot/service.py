"""The question service: questions, tip, buttons and feedback.

Adapters reach it through the conversation door (bot/conversation.py) and render
the returned Answer; they never match, pick content or word a reply themselves.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable

from antenne.bot.answers import compose
from antenne.bot.answers.actions import ActionPayload, BadPayload, decode
from antenne.bot.answers.model import ActionKind, Answer
from antenne.bot.content.model import Audience, Case, KnowledgeBase, Theme, Tip
from antenne.bot.feedback import Feedback, FeedbackSink
from antenne.bot.matching.analyzer import AnalysedQuery, content_words
from antenne.bot.matching.matcher import Decision, MatchOutcome, cached_matcher
from antenne.bot.matching.roles import asker_role
from antenne.bot.text import MAX_QUESTION_CHARS, clean_question, fold

log = logging.getLogger(__name__)

AUDIENCE_WORDS = {
    "ambtenaar": Audience.AMBTENAAR,
    "ambtenaren": Audience.AMBTENAAR,
    "topambtenaar": Audience.TOPAMBTENAAR,
    "topambtenaren": Audience.TOPAMBTENAAR,
    "bestuurder": Audience.BESTUURDER,
    "bestuurders": Audience.BESTUURDER,
}
HELP_WORDS = {"help", "hulp", "?", "uitleg", "wat kun je", "commands"}
QUESTION_MIN_WORDS = 4


UnansweredSink = Callable[[str], None]


def _log_feedback(feedback: Feedback) -> None:
    log.info("feedback", extra={"item_id": feedback.item_id, "vote": feedback.vote})


class Antenne:
    def __init__(
        self,
        kb: KnowledgeBase,
        *,
        rng: random.Random | None = None,
        max_question_chars: int = MAX_QUESTION_CHARS,
        on_feedback: FeedbackSink = _log_feedback,
        on_unanswered: UnansweredSink | None = None,
    ) -> None:
        self.kb = kb
        self.matcher = cached_matcher(kb, max_question_chars=max_question_chars)
        self._rng = rng or random.Random()
        self._on_feedback = on_feedback
        self._on_unanswered = on_unanswered

    # -- questions -----------------------------------------------------------------

    def match(self, question: str) -> MatchOutcome:
        return self.matcher.match(question)

    def ask(self, question: str) -> Answer:
        return self.answer(self.matcher.match(question))

    def answer(self, outcome: MatchOutcome) -> Answer:
        if outcome.decision is Decision.EMPTY:
            return compose.empty_answer(self.kb)
        if outcome.decision is Decision.NOT_ANSWERED:
            if self._on_unanswered is not None:
                self._on_unanswered(outcome.question)
            return compose.not_answered_answer(self.kb, outcome)
        if outcome.decision is Decision.AMBIGUOUS:
            return compose.ambiguous_answer(self.kb, outcome)
        if outcome.decision is Decision.UNSURE:
            return compose.unsure_answer(self.kb, outcome)
        best = outcome.results[0]
        query = outcome.query or self.matcher.analyse(outcome.question)
        return self._item_answer(best.id, query, outcome.question, outcome.audience)

    def _item_answer(
        self, item_id: str, query: AnalysedQuery | None, question: str, audience: Audience | None
    ) -> Answer:
        case = self.kb.case(item_id)
        if case is not None:
            return compose.case_answer(self.kb, case, self._case_tips(case, query, audience), question)
        tip = self.kb.tip(item_id)
        if tip is not None and audience is not None and tip.audience is not audience:
            item_id = tip.theme  # the asker said who they are: their own audience's tip of this theme
        elif tip is not None:
            return compose.tip_answer(self.kb, tip, question=question)
        theme = self.kb.theme(item_id)
        if theme is not None:
            tip = self.matcher.best_tip(theme, query, audience=audience)
            return compose.tip_answer(self.kb, tip, question=question)
        return compose.notice("Niet gevonden", "Dat onderwerp ken ik niet (meer). Stel je vraag gerust opnieuw.")

    def _case_tips(self, case: Case, query: AnalysedQuery | None, audience: Audience | None = None) -> list[Tip]:
        """The case's key tips in the editors' order, then its themes' tips, the most relevant first;
        when the asker said who they are, tips for their own audience lead."""
        tips = [tip for tip_id in case.key_tips if (tip := self.kb.tip(tip_id)) is not None]
        themes = [t for t in (self.kb.theme(i) for i in case.themes) if t]
        ranked = [self.matcher.rank_tips(t, query, audience=audience) for t in themes]
        if audience is not None and not any(t.audience is audience for t in tips):
            own = next((r[0] for r in ranked if r and r[0].audience is audience), None)
            if own is not None:
                tips.insert(0, own)
        while len(tips) < compose.CASE_DETAIL_TIPS_SHOWN and any(ranked):
            for tips_of_theme in ranked:
                tip = tips_of_theme.pop(0) if tips_of_theme else None
                if tip is not None and tip not in tips and len(tips) < compose.CASE_DETAIL_TIPS_SHOWN:
                    tips.append(tip)
        if audience is not None:
            tips.sort(key=lambda tip: tip.audience is not audience)  # stable: the editors' order otherwise kept
        return tips

    # -- typed commands ------------------------------------------------------------

    def reply(self, text: str, *, command: str = "tip", digest: str | None = "digest") -> Answer:
        """A chat message: 'tip [onderwerp]', 'help', or a question."""
        cleaned = clean_question(text, self.matcher.max_question_chars)
        word, _, rest = cleaned.partition(" ")
        if fold(word) in HELP_WORDS and not rest:
            return self.help(command, digest)
        if fold(word) == "tip":
            return self.tip(rest)
        return self.ask(cleaned)

    def slash(self, text: str, *, command: str = "/tip", digest: str | None = "/tip digest") -> Answer:
        """`/tip`, `/tip help`, `/tip <onderwerp>` or `/tip <vraag>`.

        A topic is a few words; a real question (a question mark, or four or more
        meaningful words) is answered as a question.
        """
        cleaned = clean_question(text, self.matcher.max_question_chars)
        if fold(cleaned) in HELP_WORDS:
            return self.help(command, digest)
        if "?" in cleaned or len(content_words(cleaned)) >= QUESTION_MIN_WORDS:
            return self.ask(cleaned)
        return self.tip(cleaned)

    def item(self, item_id: str) -> Answer:
        """The standard answer for a case or tip, e.g. to share it in a channel."""
        return self._item_answer(item_id, None, "", None)

    # -- /tip ----------------------------------------------------------------------

    def help(self, command: str = "/tip", digest: str | None = "/tip digest") -> Answer:
        return compose.help_answer(self.kb, command, digest)

    def tip(self, topic: str = "", *, exclude: tuple[str, ...] = ()) -> Answer:
        """A random tip, one for an audience, or the best tip on a topic."""
        topic = " ".join(topic.split())[: self.matcher.max_question_chars]
        key = fold(topic)
        if key in HELP_WORDS:
            return self.help()
        if not key:
            return self._random_tip(self.kb.tips, exclude)
        if key in AUDIENCE_WORDS:
            audience = AUDIENCE_WORDS[key]
            return self._random_tip([t for t in self.kb.tips if t.audience is audience], exclude)
        outcome = self.matcher.match(topic)
        theme = self._theme_for(outcome)
        if theme is None:
            return self._random_tip(self.kb.tips, exclude, intro=f"Over '{topic}' heb ik geen tip gevonden. Wel deze:")
        tip = self.matcher.best_tip(theme, self.matcher.analyse(topic), frozenset(exclude))
        return compose.tip_answer(self.kb, tip, seen=exclude)

    def _theme_for(self, outcome: MatchOutcome) -> Theme | None:
        for result in outcome.results:
            if result.theme:
                return self.kb.theme(result.theme)
            case = self.kb.case(result.id)
            if case is not None:
                return self.kb.theme(case.themes[0])
        return None

    def _random_tip(self, tips: list[Tip] | tuple[Tip, ...], exclude: tuple[str, ...], intro: str = "") -> Answer:
        fresh = [t for t in tips if t.id not in exclude] or list(tips)
        if not fresh:
            return compose.notice("Geen tips", "Er zijn nog geen tips ingevoerd.")
        return compose.tip_answer(self.kb, self._rng.choice(fresh), intro=intro, seen=exclude)

    # -- buttons -------------------------------------------------------------------

    def act(self, value: str) -> Answer:
        """Handle a button click; a value we did not make gets a polite reply, never an error."""
        try:
            payload = decode(value)
        except BadPayload:
            log.warning("bad_action_payload")
            return compose.notice("Onbekende knop", "Deze knop werkt niet (meer). Stel je vraag gerust opnieuw.")
        return self._handle(payload)

    def _handle(self, payload: ActionPayload) -> Answer:
        kind = payload.kind
        if kind is ActionKind.OTHER_TIP:
            theme = self.kb.theme(payload.item_id)
            if theme is None:
                return self._random_tip(self.kb.tips, payload.exclude)
            tip = self.matcher.best_tip(theme, None, frozenset(payload.exclude))
            if tip.id in payload.exclude:  # every tip of this theme was shown: move on to another
                return self._random_tip(self.kb.tips, payload.exclude)
            return compose.tip_answer(self.kb, tip, seen=payload.exclude)
        if kind is ActionKind.MORE:
            case = self.kb.case(payload.item_id)
            if case is None:
                return compose.notice("Niet gevonden", "Deze casus bestaat niet meer.")
            return compose.case_detail_answer(self.kb, case, self._case_tips(case, None))
        if kind is ActionKind.CHOOSE:
            question = payload.question
            return self._item_answer(payload.item_id, self.matcher.analyse(question), question, asker_role(question))
        if kind is ActionKind.NONE_OF_THESE:
            if self._on_unanswered is not None and payload.question:
                self._on_unanswered(payload.question)
            return compose.Answer(
                kind=compose.AnswerKind.NOT_ANSWERED,
                title="Jammer",
                intro=(
                    "Dan heb ik hier nog geen goed antwoord op. Probeer je vraag anders te stellen, "
                    "met een concreet voorbeeld, of kijk of een van deze vragen past:"
                ),
                suggestions=compose.example_questions(self.kb, payload.question),
            )
        if kind is ActionKind.WHY:
            return self.why(payload.question, payload.item_id)
        if kind in (ActionKind.FEEDBACK_UP, ActionKind.FEEDBACK_DOWN):
            return self.feedback(payload.item_id, 1 if kind is ActionKind.FEEDBACK_UP else -1)
        return compose.notice("Onbekende knop", "Deze knop werkt hier niet.")

    def why(self, question: str, item_id: str) -> Answer:
        outcome = self.matcher.match(question)
        result = next((r for r in outcome.results if r.id == item_id or r.topic == item_id), None)
        return compose.why_answer(self.kb, outcome, result, self._title(item_id))

    def _title(self, item_id: str) -> str:
        case = self.kb.case(item_id)
        if case is not None:
            return case.title
        tip = self.kb.tip(item_id)
        theme = self.kb.theme(tip.theme if tip else item_id)
        return theme.title if theme else item_id

    def feedback(self, item_id: str, vote: int) -> Answer:
        if not (self.kb.case(item_id) or self.kb.tip(item_id)):
            return compose.notice("Onbekend onderwerp", "Ik kan je feedback niet koppelen; dank je wel toch!")
        self._on_feedback(Feedback(item_id, vote))
        thanks = "Fijn dat het hielp!" if vote > 0 else "Dank je. Zo weten de redacteuren wat beter kan."
        return compose.notice("Bedankt voor je feedback", thanks)
