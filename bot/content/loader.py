"""Load and validate the YAML knowledge base.

All problems are collected before anything is returned, so an editor sees every
mistake in one run and the bot never starts with half of its content.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from antenne.bot.content.issues import ContentError, ContentIssue
from antenne.bot.content.model import Audience, Case, KnowledgeBase, Source, Theme, Tip
from antenne.bot.content.schema import (
    CASE_FIELDS,
    CASE_KIND,
    FIRST_ANSWER_LESSONS,
    FIRST_ANSWER_STEPS,
    FIRST_ANSWER_TEXT_MAX,
    FIRST_ANSWER_TIPS,
    SOURCE_FIELDS,
    SUMMARY_MAX_SENTENCES,
    THEME_FIELDS,
    THEME_KIND,
    TIP_FIELDS,
    TIP_TEXT_MAX,
    FieldRule,
)
from antenne.bot.text import normalise, stopwords

CASES_DIR = "cases"
THEMES_DIR = "themes"
SYNONYMS_FILE = "synonyms.yaml"
REQUIRED_IDS_FILE = "required-ids.yaml"


# A list item with " - " inside is almost always two items merged by a wrongly indented
# line: YAML reads "- a.\n   - b." as the single text "a. - b.".
MERGED_ITEM = re.compile(r"\s-\s+\S")
SENTENCE_END = re.compile(r"[.!?](?:\s+|$)")
REPEAT_RUN = 4  # words a key tip may share with a step before it counts as repeating it


class _Collector:
    """Problems, plus what every file declared, so cross-checks also see items that failed to build."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.issues: list[ContentIssue] = []
        self.declared: dict[str, list[tuple[str, str]]] = defaultdict(list)  # id -> [(kind, file)]
        self.references: list[tuple[str, str, str, str]] = []  # (file, item id, field, referenced id)
        self._shown: dict[Path, str] = {}  # pathlib's relative_to is slow, and each file is named many times

    def shown(self, path: Path | str) -> str:
        if not isinstance(path, Path):
            return path
        if path not in self._shown:
            parent = self.root.parent
            self._shown[path] = str(path.relative_to(parent)) if path.is_relative_to(parent) else str(path)
        return self._shown[path]

    def add(self, path: Path | str, item_id: str, field: str, message: str) -> None:
        self.issues.append(ContentIssue(self.shown(path), item_id, field, message))

    def declare(self, item_id: str, kind: str, path: Path) -> None:
        self.declared[item_id].append((kind, self.shown(path)))

    def refer(self, path: Path, item_id: str, field: str, values: Any) -> None:
        if isinstance(values, list):
            for value in values:
                if isinstance(value, str) and value.strip():
                    self.references.append((self.shown(path), item_id, field, value.strip()))

    def ids_of(self, kind: str) -> set[str]:
        return {item_id for item_id, where in self.declared.items() if any(k == kind for k, _ in where)}


def _read_yaml(path: Path, issues: _Collector) -> Any:
    import yaml  # imported when needed: a start-up served from the cache never parses YAML

    # The C loader is several times faster; fall back where libyaml is absent.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=loader)  # noqa: S506 - safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (regel {mark.line + 1}, kolom {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        issues.add(path, "", "", f"geen geldige YAML{where}: {problem}")
    except UnicodeDecodeError:
        issues.add(path, "", "", "bestand is geen UTF-8-tekst")
    except OSError as exc:
        issues.add(path, "", "", f"kan bestand niet lezen: {exc.strerror}")
    return None


def _check_fields(
    data: dict[str, Any], rules: tuple[FieldRule, ...], path: Path, item_id: str, issues: _Collector
) -> bool:
    """Check presence, type and emptiness; return True when the item can be built."""
    ok = True
    known = {rule.name for rule in rules}
    for key in data:
        if key not in known:
            issues.add(path, item_id, str(key), f"onbekend veld (toegestaan: {', '.join(sorted(known))})")
    for rule in rules:
        value = data.get(rule.name)
        if value is None:
            if rule.required:
                issues.add(path, item_id, rule.name, "verplicht veld ontbreekt")
                ok = False
            continue
        if not isinstance(value, rule.type):
            expected = {str: "tekst", list: "lijst", dict: "blok met velden"}[rule.type]
            issues.add(path, item_id, rule.name, f"moet een {expected} zijn")
            ok = False
            continue
        if rule.type is str and not value.strip():
            issues.add(path, item_id, rule.name, "is leeg")
            ok = False
        if rule.type is list:
            if len(value) < rule.min_items:
                issues.add(path, item_id, rule.name, f"minstens {rule.min_items} nodig, gevonden {len(value)}")
                ok = False
            for index, entry in enumerate(value):
                if rule.name == "tips":
                    continue
                if isinstance(entry, dict):
                    hint = "moet een tekst zijn; bevat de regel een dubbele punt, zet hem dan tussen aanhalingstekens"
                    issues.add(path, item_id, f"{rule.name}[{index + 1}]", hint)
                    ok = False
                elif not isinstance(entry, str) or not entry.strip():
                    issues.add(path, item_id, f"{rule.name}[{index + 1}]", "moet een niet-lege tekst zijn")
                    ok = False
                elif MERGED_ITEM.search(entry):
                    issues.add(path, item_id, f"{rule.name}[{index + 1}]", _merged_hint(entry))
    return ok


def _merged_hint(entry: str) -> str:
    found = MERGED_ITEM.search(entry)
    start = max(0, found.start() - 20) if found else 0
    return (
        f"bevat ' - ' midden in de regel ('…{' '.join(entry[start:start + 50].split())}…'): waarschijnlijk zijn "
        "twee regels samengevoegd doordat de tweede verkeerd is ingesprongen. Zet elke '- ' op een eigen regel, "
        "even ver ingesprongen als de andere; bedoel je een gedachtestreepje, schrijf dan '–'."
    )


def _source(data: Any, path: Path, item_id: str, field: str, issues: _Collector) -> Source | None:
    if not isinstance(data, dict):
        issues.add(path, item_id, field, "moet een blok met titel en auteur zijn")
        return None
    if not _check_fields(data, SOURCE_FIELDS, path, item_id, issues):
        return None
    return Source(title=data["titel"].strip(), author=data["auteur"].strip())


def _texts(values: list[str]) -> tuple[str, ...]:
    return tuple(" ".join(v.split()) for v in values)


def _count_sentences(text: str) -> int:
    return len(SENTENCE_END.findall(" ".join(text.split()))) or 1


def _check_case_text(data: dict[str, Any], path: Path, item_id: str, issues: _Collector) -> None:
    """Rules for the chat-sized first answer that can be checked on the case alone."""
    summary = data.get("samenvatting")
    if isinstance(summary, str) and _count_sentences(summary) > SUMMARY_MAX_SENTENCES:
        hint = f"hoogstens {SUMMARY_MAX_SENTENCES} zinnen; het verhaal staat in wat_er_gebeurde"
        issues.add(path, item_id, "samenvatting", hint)
    if data.get("soort") not in (None, CASE_KIND):
        issues.add(path, item_id, "soort", f"moet '{CASE_KIND}' zijn voor een bestand in {CASES_DIR}/")


def _load_case(data: dict[str, Any], path: Path, issues: _Collector) -> Case | None:
    item_id = str(data.get("id") or path.stem)
    issues.declare(item_id, "casus", path)
    issues.refer(path, item_id, "themas", data.get("themas"))
    issues.refer(path, item_id, "kerntips", data.get("kerntips"))
    ok = _check_fields(data, CASE_FIELDS, path, item_id, issues)
    _check_case_text(data, path, item_id, issues)
    source = _source(data["bron"], path, item_id, "bron", issues) if isinstance(data.get("bron"), dict) else None
    if not ok or source is None:
        return None
    return Case(
        id=item_id,
        title=" ".join(data["titel"].split()),
        summary=" ".join(data["samenvatting"].split()),
        what_happened=" ".join(data["wat_er_gebeurde"].split()),
        what_went_wrong_or_right=" ".join(data["wat_ging_er_mis"].split()),
        lessons=_texts(data["lessen"]),
        next_steps=_texts(data["wat_nu"]),
        themes=_texts(data["themas"]),
        tags=_texts(data["trefwoorden"]),
        example_questions=_texts(data["voorbeeldvragen"]),
        discussion_question=" ".join(data["bespreekvraag"].split()),
        source=source,
        key_tips=_texts(data["kerntips"]),
    )


def _load_tip(data: Any, theme_id: str, theme_source: Source, path: Path, issues: _Collector, n: int) -> Tip | None:
    if not isinstance(data, dict):
        issues.add(path, theme_id, f"tips[{n}]", "moet een blok met id, doelgroep en tekst zijn")
        return None
    tip_id = str(data.get("id") or f"{theme_id}/tips[{n}]")
    issues.declare(tip_id, "tip", path)
    ok = _check_fields(data, TIP_FIELDS, path, tip_id, issues)
    text = " ".join(data["tekst"].split()) if isinstance(data.get("tekst"), str) else ""
    if len(text) > TIP_TEXT_MAX:
        issues.add(path, tip_id, "tekst", f"te lang voor een chatbericht: {len(text)} tekens, hoogstens {TIP_TEXT_MAX}")
    audience = None
    if isinstance(data.get("doelgroep"), str):
        try:
            audience = Audience(data["doelgroep"])
        except ValueError:
            allowed = ", ".join(a.value for a in Audience)
            issues.add(path, tip_id, "doelgroep", f"onbekende doelgroep '{data['doelgroep']}' (kies uit: {allowed})")
    source = theme_source
    if "bron" in data:
        source = _source(data["bron"], path, tip_id, "bron", issues) or theme_source
    if not ok or audience is None:
        return None
    return Tip(id=tip_id, theme=theme_id, audience=audience, text=text, source=source)


def _load_theme(data: dict[str, Any], path: Path, issues: _Collector) -> Theme | None:
    item_id = str(data.get("id") or path.stem)
    issues.declare(item_id, "thema", path)
    ok = _check_fields(data, THEME_FIELDS, path, item_id, issues)
    if data.get("soort") not in (None, THEME_KIND):
        issues.add(path, item_id, "soort", f"moet '{THEME_KIND}' zijn voor een bestand in {THEMES_DIR}/")
    source = _source(data["bron"], path, item_id, "bron", issues) if isinstance(data.get("bron"), dict) else None
    raw_tips = data.get("tips") if isinstance(data.get("tips"), list) else []
    tips = tuple(
        tip
        for n, raw in enumerate(raw_tips, start=1)
        if (tip := _load_tip(raw, item_id, source or Source("", ""), path, issues, n)) is not None
    )
    if not ok or source is None:
        return None
    return Theme(
        id=item_id,
        title=" ".join(data["titel"].split()),
        introduction=" ".join(data["inleiding"].split()),
        tags=_texts(data["trefwoorden"]),
        example_questions=_texts(data["voorbeeldvragen"]),
        discussion_question=" ".join(data["bespreekvraag"].split()),
        source=source,
        tips=tips,
    )


def _load_items(root: Path, subdir: str, loader: Any, issues: _Collector) -> list[Any]:
    folder = root / subdir
    if not folder.is_dir():
        issues.add(f"{root.name}/{subdir}", "", "", "map ontbreekt")
        return []
    items = []
    for path in sorted(folder.iterdir()):
        if path.suffix not in {".yaml", ".yml"}:
            continue
        data = _read_yaml(path, issues)
        if data is None:
            if not any(i.file.endswith(path.name) for i in issues.issues):
                issues.add(path, "", "", "bestand is leeg")
            continue
        if not isinstance(data, dict):
            issues.add(path, "", "", "moet een blok met velden zijn, geen lijst of losse tekst")
            continue
        item = loader(data, path, issues)
        if item is not None:
            if item.id != path.stem:
                issues.add(path, item.id, "id", f"bestandsnaam moet '{item.id}{path.suffix}' zijn")
            items.append(item)
    return items


def _load_synonyms(root: Path, issues: _Collector) -> tuple[tuple[str, ...], ...]:
    path = root / SYNONYMS_FILE
    if not path.exists():
        return ()
    data = _read_yaml(path, issues)
    if data is None:
        return ()
    groups = data.get("groepen") if isinstance(data, dict) else None
    if not isinstance(groups, list):
        issues.add(path, "", "groepen", "verwacht een lijst 'groepen' met lijstjes woorden")
        return ()
    result: list[tuple[str, ...]] = []
    seen: dict[str, int] = {}
    for n, group in enumerate(groups, start=1):
        if not isinstance(group, list) or len(group) < 2 or not all(isinstance(w, str) and w.strip() for w in group):
            issues.add(path, "", f"groepen[{n}]", "een groep is een lijst van minstens twee woorden")
            continue
        for word in group:
            key = normalise(word)
            problem = _synonym_problem(word, key)
            if problem:
                issues.add(path, "", f"groepen[{n}]", problem)
            elif seen.get(key) == n:
                issues.add(path, "", f"groepen[{n}]", f"'{word}' staat twee keer in deze groep")
            if key in seen and seen[key] != n:
                issues.add(path, "", f"groepen[{n}]", f"'{word}' staat ook in groep {seen[key]}")
            seen[key] = n
        result.append(tuple(w.strip() for w in group))
    return tuple(result)


MAX_SYNONYM_WORDS = 6


def _synonym_problem(entry: str, key: str) -> str:
    """Why Antenne cannot use a synonym entry, or '' when it can."""
    words = key.split()
    if not any(w not in stopwords() and not w.isdigit() for w in words):
        return f"'{entry}' bevat geen woord waarop Antenne kan zoeken (alleen stopwoorden, cijfers of leestekens)"
    if len(words) > MAX_SYNONYM_WORDS:
        return f"'{entry}' is te lang: een synoniem heeft hoogstens {MAX_SYNONYM_WORDS} woorden"
    return ""


def _check_duplicates(issues: _Collector) -> None:
    for item_id, where in issues.declared.items():
        for (kind, file), (first_kind, first_file) in zip(where[1:], where, strict=False):
            issues.add(
                file, item_id, "id", f"komt twee keer voor: als {first_kind} in {first_file} en als {kind} in {file}"
            )


def _check_references(issues: _Collector) -> None:
    known = {"themas": (issues.ids_of("thema"), "onbekend thema"), "kerntips": (issues.ids_of("tip"), "onbekende tip")}
    for file, item_id, field, ref in issues.references:
        ids, unknown = known[field]
        if ref not in ids:
            issues.add(file, item_id, field, f"{unknown} '{ref}'")


def first_answer_text(case: Case, tips: dict[str, Tip]) -> int:
    """Characters of content text the first answer to `case` shows (see FIRST_ANSWER_TEXT_MAX)."""
    shown = [
        case.title,
        case.summary,
        *case.lessons[:FIRST_ANSWER_LESSONS],
        *case.next_steps[:FIRST_ANSWER_STEPS],
        *(tips[t].text for t in case.key_tips[:FIRST_ANSWER_TIPS] if t in tips),
        case.source.cite(),
    ]
    return sum(len(text) for text in shown)


def _word_runs(text: str, size: int = REPEAT_RUN) -> set[tuple[str, ...]]:
    words = normalise(text).split()
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def _check_key_tips_add_something(path: str, case: Case, tips: dict[str, Tip], issues: _Collector) -> None:
    """A key tip in the first answer must not say again what one of its steps says."""
    steps = case.next_steps[:FIRST_ANSWER_STEPS]
    for tip_id in case.key_tips[:FIRST_ANSWER_TIPS]:
        tip = tips.get(tip_id)
        for n, step in enumerate(steps, start=1):
            if tip is not None and _word_runs(tip.text) & _word_runs(step):
                message = f"'{tip_id}' herhaalt wat_nu[{n}]; kies een tip die iets toevoegt, of zet hem verderop"
                issues.add(path, case.id, "kerntips", message)


def _check_first_answers(root: Path, cases: list[Case], themes: list[Theme], issues: _Collector) -> None:
    tips = {tip.id: tip for theme in themes for tip in theme.tips}
    for case in cases:
        _check_key_tips_add_something(f"{root.name}/{CASES_DIR}/{case.id}.yaml", case, tips, issues)
        size = first_answer_text(case, tips)
        if size > FIRST_ANSWER_TEXT_MAX:
            issues.add(
                f"{root.name}/{CASES_DIR}/{case.id}.yaml",
                case.id,
                "",
                f"eerste antwoord te lang voor een chatbericht: {size} tekens tekst, hoogstens "
                f"{FIRST_ANSWER_TEXT_MAX}. Maak de titel, samenvatting, eerste les, eerste {FIRST_ANSWER_STEPS} "
                f"stappen van wat_nu of eerste {FIRST_ANSWER_TIPS} kerntips korter, of zet kortere vooraan; "
                "de rest staat onder 'Meer over deze casus'.",
            )


def _cross_check(root: Path, cases: list[Case], themes: list[Theme], issues: _Collector) -> None:
    _check_duplicates(issues)
    _check_references(issues)
    _check_first_answers(root, cases, themes, issues)
    questions: dict[str, str] = {}
    for item in [*cases, *themes]:
        folder = CASES_DIR if isinstance(item, Case) else THEMES_DIR
        for question in item.example_questions:
            key = normalise(question)
            if key in questions:
                issues.add(
                    f"{root.name}/{folder}/{item.id}.yaml",
                    item.id,
                    "voorbeeldvragen",
                    f"dubbele vraag '{question}' (ook bij {questions[key]})",
                )
            questions[key] = item.id
    required = root / REQUIRED_IDS_FILE
    if required.exists():
        check_inventory(required, cases, themes, issues)


def check_inventory(path: Path, cases: list[Case], themes: list[Theme], issues: _Collector) -> None:
    """Every id of the shared inventory must exist with the same kind."""
    data = _read_yaml(path, issues)
    if not isinstance(data, dict):
        return
    # Declared ids count: an item with a broken field is reported for that field, not as missing.
    case_ids = {c.id for c in cases} | issues.ids_of("casus")
    theme_ids = {t.id for t in themes} | issues.ids_of("thema")
    for key, present, kind in (("cases", case_ids, "casus"), ("themes", theme_ids, "thema")):
        for entry in data.get(key) or []:
            wanted = entry.get("id") if isinstance(entry, dict) else entry
            if wanted not in present:
                issues.add(path, str(wanted), "id", f"{kind} uit de inventaris ontbreekt in de content")


def read_knowledge_base(root: Path, inventory: Path | None = None) -> KnowledgeBase:
    """Read and check everything under `root`; raise ContentError listing every problem found.

    Without the start-up cache: commands load content through
    antenne.bot.content.cached, which calls this only when the content changed.
    """
    issues = _Collector(root)
    if not root.is_dir():
        issues.add(str(root), "", "", "contentmap bestaat niet")
        raise ContentError(issues.issues)
    cases = _load_items(root, CASES_DIR, _load_case, issues)
    themes = _load_items(root, THEMES_DIR, _load_theme, issues)
    synonyms = _load_synonyms(root, issues)
    _cross_check(root, cases, themes, issues)
    if inventory is not None:
        check_inventory(inventory.resolve(), cases, themes, issues)
    if issues.issues:
        raise ContentError(issues.issues)
    return KnowledgeBase(cases=tuple(cases), themes=tuple(themes), synonym_groups=synonyms)
