"""The bundled knowledge base, and the checker that guards it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from antenne.bot.content.cached import load_knowledge_base
from antenne.bot.content.issues import ContentError
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
    edit(case, "titel: De dijkgraaf die door ziekte een stap terug deed", "titel: '  '")
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


# -- every problem of an item at once, and the mistakes editors really make --------------


def test_missing_field_does_not_hide_an_unknown_theme(content_copy):
    case = content_copy / "cases" / "eindhoven-geen-kaasschaaf.yaml"
    edit(case, "bespreekvraag: >-", "bespreekvragen: >-")
    edit(case, "themas: [drijvende-kracht,", "themas: [bestaat-niet,")
    edit(case, "  - drijvende-kracht-inhoud-en-proces\n", "  - bestaat-ook-niet\n")
    found = problems(content_copy)
    item = "content/cases/eindhoven-geen-kaasschaaf.yaml: eindhoven-geen-kaasschaaf"
    assert f"{item}: bespreekvraag: verplicht veld ontbreekt" in found
    assert f"{item}: themas: onbekend thema 'bestaat-niet'" in found
    assert f"{item}: kerntips: onbekende tip 'bestaat-ook-niet'" in found
    assert not any("ontbreekt in de content" in p for p in found)  # a broken case is not a missing one


def test_broken_tip_does_not_hide_the_rest_of_its_theme(content_copy):
    theme = content_copy / "themes" / "persoonlijke-klik.yaml"
    edit(theme, "doelgroep: bestuurder", "doelgroep: burger")
    edit(theme, "bespreekvraag: >-", "bespreekvragen: >-")
    found = problems(content_copy)
    assert any("persoonlijke-klik: bespreekvraag: verplicht veld ontbreekt" in p for p in found)
    assert any("doelgroep: onbekende doelgroep 'burger'" in p for p in found)
    # the theme's other tips still count as known, so cases citing them raise nothing
    assert not any("onbekende tip" in p or "onbekend thema" in p for p in found)


def test_list_items_merged_by_bad_indentation_are_reported(content_copy):
    case = content_copy / "cases" / "ict-storing-raad-ruikt-onraad.yaml"
    edit(
        case,
        "  - Leg vooraf vast wie bij een storing de portefeuillehouder en de griffie informeert.\n",
        "  - Leg vooraf vast wie bij een storing de portefeuillehouder en de griffie informeert.\n"
        "   - Stel met communicatie een bericht op.\n",
    )
    found = problems(content_copy)
    [merged] = [p for p in found if "wat_nu[2]" in p]
    assert "griffie informeert. - Stel met communicatie" in merged
    assert "verkeerd is ingesprongen" in merged


def test_check_names_both_files_of_a_duplicate_id(content_copy):
    theme = content_copy / "themes" / "persoonlijke-klik.yaml"
    edit(theme, "id: persoonlijke-klik-grenzen-helder", "id: dijkgraaf-stapt-terug")
    found = problems(content_copy)
    [duplicate] = [p for p in found if "komt twee keer voor" in p]
    assert "content/cases/dijkgraaf-stapt-terug.yaml" in duplicate
    assert "content/themes/persoonlijke-klik.yaml" in duplicate


def test_chat_size_rules_are_checked(content_copy):
    case = content_copy / "cases" / "wij-bouwen-een-wijk.yaml"
    edit(case, "Hun eerste vraag:", "Dat was snel. Hun eerste vraag:")
    edit(case, "kerntips:\n", "kerntips:\n  - persoonlijke-klik-vertrek-als-het-niet-gaat\n")
    long_tip = "Een tip die veel te lang is voor een chatbericht. " * 9
    edit(
        content_copy / "themes" / "persoonlijke-klik.yaml",
        "tekst: Is de samenwerking zo slecht",
        f"tekst: {long_tip}Is de samenwerking zo slecht",
    )
    found = problems(content_copy)
    assert any("wij-bouwen-een-wijk: samenvatting: hoogstens 2 zinnen" in p for p in found)
    assert any("wij-bouwen-een-wijk: eerste antwoord te lang voor een chatbericht" in p for p in found)
    assert any("persoonlijke-klik-vertrek-als-het-niet-gaat: tekst: te lang voor een chatbericht" in p for p in found)


def test_key_tip_that_repeats_a_first_step_is_reported(content_copy):
    case = content_copy / "cases" / "raadslid-belt-over-budget.yaml"
    repeated = "Laat je leidinggevende en wethouder weten wat er gevraagd is."
    edit(case, "  - Zeg wanneer de cijfers openbaar worden", f"  - {repeated} Zeg wanneer de cijfers openbaar worden")
    found = problems(content_copy)
    assert any(
        "raadslid-belt-over-budget: kerntips: 'informatie-aan-de-raad-eerst-leidinggevende' herhaalt wat_nu[2]" in p
        for p in found
    )


def test_cli_check_reports_every_problem_of_an_item(content_copy):
    case = content_copy / "cases" / "eindhoven-geen-kaasschaaf.yaml"
    edit(case, "bespreekvraag: >-", "bespreekvragen: >-")
    edit(case, "themas: [drijvende-kracht,", "themas: [bestaat-niet,")
    result = subprocess.run(
        [sys.executable, "-m", "antenne", "content", "check", str(content_copy)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "bespreekvraag: verplicht veld ontbreekt" in result.stderr
    assert "themas: onbekend thema 'bestaat-niet'" in result.stderr


# -- the gap users hit: advice on a risk set aside -----------------------------------------


def test_advice_set_aside_theme_serves_every_audience(kb):
    theme = kb.theme("advies-genegeerd")
    ours = yaml.safe_load((default_content_dir() / "required-ids.yaml").read_text(encoding="utf-8"))
    assert theme is not None and "advies-genegeerd" in ours["themes"]
    assert {t.audience for t in theme.tips} == set(Audience)
    text = " ".join([theme.introduction, *(t.text for t in theme.tips)]).lower()
    for must in (
        "op papier",
        "leidinggevende",
        "gemeentesecretaris",
        "de bestuurder beslist",
        "politieke verantwoordelijkheid",
        "artikel 169 gemeentewet",
        "eed of belofte",
        "ambtenarenwet 2017",
        "vertrouwenspersoon integriteit",
        "misstand",
        "huis voor klokkenluiders",
        "wet bescherming klokkenluiders",
    ):
        assert must in text, must
    assert all(t.source.editorial for t in theme.tips)


def test_advice_set_aside_question_is_answered_from_the_new_theme(antenne):
    answer = antenne.ask("mijn wethouder legt mijn advies over een juridisch risico naast zich neer, wat nu?")
    assert answer.tips and answer.tips[0].theme_id == "advies-genegeerd"


def test_copycheck_passes():
    from tests.conftest import SHARED

    tool = SHARED / "tools" / "copycheck.py"
    if not tool.exists():
        pytest.skip("shared/ is not beside this checkout")
    result = subprocess.run(
        [sys.executable, str(tool), str(default_content_dir().parent), str(SHARED / "seeds")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:]
