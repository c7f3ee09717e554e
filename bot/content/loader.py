"""Load and validate the YAML knowledge base.

All problems are collected before anything is returned, so an editor sees every
mistake in one run and the bot never starts with half of its content.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from antenne.bot.content.issues import ContentError, ContentIssue
from antenne.bot.content.model import Audience, Case, KnowledgeBase, Source, Theme, Tip
from antenne.bot.content.schema import (
    CASE_FIELDS,
    CASE_KIND,
    SOURCE_FIELDS,
    THEME_FIELDS,
    THEME_KIND,
    TIP_FIELDS,
    FieldRule,
)
from antenne.bot.matching.text import normalise, stopwords

try:  # the C loader is several times faster; fall back where libyaml is absent
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the platform build
    _Loader = yaml.SafeLoader

CASES_DIR = "cases"
THEMES_DIR = "themes"
SYNONYMS_FILE = "synonyms.yaml"
REQUIRED_IDS_FILE = "required-ids.yaml"


class _Collector:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.issues: list[ContentIssue] = []

    def add(self, path: Path | str, item_id: str, field: str, message: str) -> None:
        shown = path
        if isinstance(path, Path):
            shown = str(path.relative_to(self.root.parent)) if path.is_relative_to(self.root.parent) else str(path)
        self.issues.append(ContentIssue(shown, item_id, field, message))


def _read_yaml(path: Path, issues: _Collector) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_Loader)  # noqa: S506 - safe loader
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
    return ok


def _source(data: Any, path: Path, item_id: str, field: str, issues: _Collector) -> Source | None:
    if not isinstance(data, dict):
        issues.add(path, item_id, field, "moet een blok met titel en auteur zijn")
        return None
    if not _check_fields(data, SOURCE_FIELDS, path, item_id, issues):
        return None
    return Source(title=data["titel"].strip(), author=data["auteur"].strip())


def _texts(values: list[str]) -> tuple[str, ...]:
    return tuple(" ".join(v.split()) for v in values)


def _load_case(data: dict[str, Any], path: Path, issues: _Collector) -> Case | None:
    item_id = str(data.get("id") or path.stem)
    if not _check_fields(data, CASE_FIELDS, path, item_id, issues):
        return None
    if data["soort"] != CASE_KIND:
        issues.add(path, item_id, "soort", f"moet '{CASE_KIND}' zijn voor een bestand in {CASES_DIR}/")
    source = _source(data["bron"], path, item_id, "bron", issues)
    if source is None:
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
    )


def _load_tip(data: Any, theme_id: str, theme_source: Source, path: Path, issues: _Collector, n: int) -> Tip | None:
    if not isinstance(data, dict):
        issues.add(path, theme_id, f"tips[{n}]", "moet een blok met id, doelgroep en tekst zijn")
        return None
    tip_id = str(data.get("id") or f"{theme_id}/tips[{n}]")
    if not _check_fields(data, TIP_FIELDS, path, tip_id, issues):
        return None
    try:
        audience = Audience(data["doelgroep"])
    except ValueError:
        allowed = ", ".join(a.value for a in Audience)
        issues.add(path, tip_id, "doelgroep", f"onbekende doelgroep '{data['doelgroep']}' (kies uit: {allowed})")
        return None
    source = theme_source
    if "bron" in data:
        source = _source(data["bron"], path, tip_id, "bron", issues) or theme_source
    return Tip(id=tip_id, theme=theme_id, audience=audience, text=" ".join(data["tekst"].split()), source=source)


def _load_theme(data: dict[str, Any], path: Path, issues: _Collector) -> Theme | None:
    item_id = str(data.get("id") or path.stem)
    if not _check_fields(data, THEME_FIELDS, path, item_id, issues):
        return None
    if data["soort"] != THEME_KIND:
        issues.add(path, item_id, "soort", f"moet '{THEME_KIND}' zijn voor een bestand in {THEMES_DIR}/")
    source = _source(data["bron"], path, item_id, "bron", issues)
    if source is None:
        return None
    tips = tuple(
        tip
        for n, raw in enumerate(data["tips"], start=1)
        if (tip := _load_tip(raw, item_id, source, path, issues, n)) is not None
    )
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


def _cross_check(root: Path, cases: list[Case], themes: list[Theme], issues: _Collector) -> None:
    ids: dict[str, str] = {}
    for kind, item in (
        [("casus", c) for c in cases]
        + [("thema", t) for t in themes]
        + [("tip", tip) for t in themes for tip in t.tips]
    ):
        if item.id in ids:
            issues.add(f"{root.name}", item.id, "id", f"komt twee keer voor ({ids[item.id]} en {kind})")
        ids[item.id] = kind
    theme_ids = {t.id for t in themes}
    for case in cases:
        for ref in case.themes:
            if ref not in theme_ids:
                issues.add(f"{root.name}/{CASES_DIR}/{case.id}.yaml", case.id, "themas", f"onbekend thema '{ref}'")
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
    case_ids = {c.id for c in cases}
    theme_ids = {t.id for t in themes}
    for key, present, kind in (("cases", case_ids, "casus"), ("themes", theme_ids, "thema")):
        for entry in data.get(key) or []:
            wanted = entry.get("id") if isinstance(entry, dict) else entry
            if wanted not in present:
                issues.add(path, str(wanted), "id", f"{kind} uit de inventaris ontbreekt in de content")


def load_knowledge_base(root: Path, inventory: Path | None = None) -> KnowledgeBase:
    """Load everything under `root`; raise ContentError listing every problem found."""
    root = root.resolve()
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
