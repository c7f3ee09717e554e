"""The bundled knowledge base, and the checker that guards it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from antenne.bot.content.issues import ContentError
from antenne.bot.content.loader import load_knowledge_base
from antenne.bot.content.model import Audience
from antenne.bot.content.paths import default_content_dir

from tests.conftest import INVENTORY

SAMENSPEL = (
    "drijvende-kracht",
    "wereld-van-de-bestuurder",
    "bestuur-en-organisatie",
    "persoonlijke-klik",
    "elkaars-grondgebied",
    "als-het-lastig-wordt",
)
# Tips per audience in the Samenspel publication itself.
SAMENSPEL_TIPS = {
    "drijvende-kracht": (4, 3),
    "wereld-van-de-bestuurder": (3, 3),
    "bestuur-en-organisatie": (5, 5),
    "persoonlijke-klik": (3, 3),
    "elkaars-grondgebied": (4, 4),
    "als-het-lastig-wordt": (3, 3),
}


def required_ids() -> dict[str, list[str]]:
    path = INVENTORY if INVENTORY.exists() else default_content_dir() / "required-ids.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {key: [e["id"] if isinstance(e, dict) else e for e in data[key]] for key in ("cases", "themes")}


def test_every_inventory_id_exists_with_its_kind(kb):
    ids = required_ids()
    assert {c.id for c in kb.cases} >= set(ids["cases"])
    assert {t.id for t in kb.themes} >= set(ids["themes"])


def test_cases_are_complete(kb):
    for case in kb.cases:
        assert len(case.example_questions) >= 6, case.id
        assert case.lessons and case.next_steps and case.themes and case.tags, case.id
        assert case.source.title and case.source.author, case.id
        assert len({q.lower() for q in case.example_questions}) == len(case.example_questions)


def test_samenspel_themes_carry_all_publication_tips(kb):
    for theme_id, (top, bestuurder) in SAMENSPEL_TIPS.items():
        theme = kb.theme(theme_id)
        assert theme is not None
        audiences = [t.audience for t in theme.tips]
        assert audiences.count(Audience.TOPAMBTENAAR) == top, theme_id
        assert audiences.count(Audience.BESTUURDER) == bestuurder, theme_id
        assert all(t.source.title for t in theme.tips)


def test_other_themes_have_tips_from_their_seeds(kb):
    for theme_id in ("informatie-aan-de-raad", "regie-op-samenwerking", "samenwerken-met-inwoners"):
        theme = kb.theme(theme_id)
        assert theme is not None and len(theme.tips) >= 5, theme_id


def test_information_theme_answers_could_peter_have_prevented_it(kb):
    theme = kb.theme("informatie-aan-de-raad")
    text = " ".join([theme.introduction, *(t.text for t in theme.tips)]).lower()
    for must in (
        "leidinggevende",
        "portefeuillehouder",
        "dezelfde informatie",
        "griffie",
        "raadsinformatiebrief",
        "technische vragen",
        "ambtelijke bijstand",
        "artikel 33",
        "artikel 169",
        "jaarrekening",
    ):
        assert must in text, must


def test_bundled_content_found_from_any_directory(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "antenne", "content", "check"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "11 casussen" in result.stdout


def test_check_against_the_shared_inventory():
    if not INVENTORY.exists():
        pytest.skip("shared/ is not beside this checkout")
    load_knowledge_base(default_content_dir(), INVENTORY)


# -- the checker ---------------------------------------------------------------------


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(default_content_dir(), target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(root: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_knowledge_base(root)
    return [str(i) for i in caught.value.issues]


def test_malformed_yaml_names_file_and_line(content_copy):
    (content_copy / "cases" / "wij-bouwen-een-wijk.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    found = problems(content_copy)
    assert any("cases/wij-bouwen-een-wijk.yaml" in p and "regel" in p for p in found)


def test_missing_and_empty_fields_are_named(content_copy):
    case = content_copy / "cases" / "dijkgraaf-stapt-terug.yaml"
    edit(case, "bespreekvraag: >-", "bespreekvragen: >-")
    edit(case, "titel: De dijkgraaf die (gedwongen) een stap terug deed", "titel: '  '")
    found = problems(content_copy)
    assert (
        "content/cases/dijkgraaf-stapt-terug.yaml: dijkgraaf-stapt-terug: bespreekvraag: verplicht veld ontbreekt"
        in found
    )
    assert "content/cases/dijkgraaf-stapt-terug.yaml: dijkgraaf-stapt-terug: titel: is leeg" in found
    assert any("bespreekvragen: onbekend veld" in p for p in found)


def test_duplicate_ids_unknown_references_and_audiences(content_copy):
    theme = content_copy / "themes" / "persoonlijke-klik.yaml"
    edit(theme, "id: persoonlijke-klik-grenzen-helder", "id: persoonlijke-klik-investeer-in-contact")
    edit(theme, "doelgroep: ambtenaar", "doelgroep: burger")
    edit(
        content_copy / "cases" / "eindhoven-geen-kaasschaaf.yaml",
        "themas: [drijvende-kracht,",
        "themas: [bestaat-niet,",
    )
    found = problems(content_copy)
    assert any("persoonlijke-klik-investeer-in-contact: id: komt twee keer voor" in p for p in found)
    assert any("doelgroep: onbekende doelgroep 'burger'" in p for p in found)
    assert any("eindhoven-geen-kaasschaaf: themas: onbekend thema 'bestaat-niet'" in p for p in found)


def test_duplicate_example_question_and_too_few(content_copy):
    case = content_copy / "cases" / "regie-op-omgevingsdienst.yaml"
    edit(
        case,
        "  - hoe stuur ik als gemeente op de omgevingsdienst?",
        "  - Hoe stuur ik als gemeente op de omgevingsdienst",
    )
    edit(
        case,
        "  - loslaten en vertrouwen als je taken hebt uitbesteed\n",
        "  - hoe stuur ik als gemeente op de omgevingsdienst\n",
    )
    text = case.read_text(encoding="utf-8")
    case.write_text(text.split("voorbeeldvragen:")[0] + "voorbeeldvragen:\n  - enige vraag\n", encoding="utf-8")
    found = problems(content_copy)
    assert any("regie-op-omgevingsdienst: voorbeeldvragen: minstens 6 nodig, gevonden 1" in p for p in found)


def test_duplicate_question_across_items(content_copy):
    edit(
        content_copy / "cases" / "wij-bouwen-een-wijk.yaml",
        "  - hoe houd ik het tempo van een enthousiaste wethouder bij",
        "  - Mag ik het oneens zijn met mijn wethouder",
    )
    found = problems(content_copy)
    assert any("dubbele vraag" in p and "drijvende-kracht" in p for p in found)


def test_missing_inventory_id_and_file_name_mismatch(content_copy):
    (content_copy / "cases" / "sleutelfiguren-vertrekken.yaml").unlink()
    edit(content_copy / "cases" / "dijkgraaf-stapt-terug.yaml", "id: dijkgraaf-stapt-terug", "id: dijkgraaf")
    found = problems(content_copy)
    assert any("sleutelfiguren-vertrekken: id: casus uit de inventaris ontbreekt" in p for p in found)
    assert any("bestandsnaam moet 'dijkgraaf.yaml' zijn" in p for p in found)


def test_cli_check_exits_1_with_the_messages(content_copy):
    edit(content_copy / "cases" / "wij-bouwen-een-wijk.yaml", "soort: casus", "soort: thema")
    result = subprocess.run(
        [sys.executable, "-m", "antenne", "content", "check", str(content_copy)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "wij-bouwen-een-wijk: soort: moet 'casus' zijn" in result.stderr
