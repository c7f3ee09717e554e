"""The `antenne` command as a user and an outside evaluation run it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from antenne.adapters.console.chat import chat

import antenne


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "antenne", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_ask_prints_the_answer():
    result = run("ask", "raadslid belt me over een budget, wat nu?")
    assert result.returncode == 0
    assert "duurzaamheidsbudget" in result.stdout and "Wat nu" in result.stdout


def test_ask_json_contract():
    result = run("ask", "--json", "raadslit belt over bugdet")
    data = json.loads(result.stdout)
    assert set(data) == {"question", "answered", "decision", "results"}
    assert data["question"] == "raadslit belt over bugdet" and data["answered"] is True
    first = data["results"][0]
    assert set(first) == {"id", "kind", "theme", "title", "score"}
    assert first["id"] == "raadslid-belt-over-budget" and first["kind"] == "case" and first["theme"] is None
    assert isinstance(first["score"], float)


def test_ask_json_stdin_one_object_per_line_in_order():
    questions = ["de klik met mijn wethouder ontbreekt", "", "heb je een recept voor pannenkoeken"]
    result = run("ask", "--json", "-", stdin="\n".join(questions) + "\n")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["question"] for line in lines] == questions
    assert [line["answered"] for line in lines] == [True, False, False]
    assert lines[0]["results"][0]["kind"] == "tip" and lines[0]["results"][0]["theme"] == "persoonlijke-klik"


def test_ask_does_not_import_asyncio_the_database_or_platform_sdks():
    heavy = ("asyncio", "aiohttp", "sqlalchemy", "aiosqlite", "asyncpg", "slack_bolt", "slack_sdk", "botbuilder")
    code = (
        "import sys; from antenne.cli.main import main; main(['ask', '--json', 'raadslid']); "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_tip_command():
    result = run("tip", "bestuurder")
    assert result.returncode == 0 and "voor de bestuurder;" in " ".join(result.stdout.split())


def test_content_export_json():
    data = json.loads(run("content", "export", "--json").stdout)
    kinds = {item["kind"] for item in data["items"]}
    assert kinds == {"case", "tip"}
    case = next(i for i in data["items"] if i["id"] == "raadslid-belt-over-budget")
    assert case["what_happened"] and case["next_steps"] and case["source"]
    tip = next(i for i in data["items"] if i["kind"] == "tip")
    assert tip["theme"] and tip["text"] and tip["audience"] and tip["title"]


def test_eval_command(tmp_path):
    questions = tmp_path / "set.yaml"
    questions.write_text(
        "questions:\n  - q: raadslid belt over budget\n    expect: [raadslid-belt-over-budget]\n"
        "  - q: wat is de hoofdstad van frankrijk\n    expect: none\n",
        encoding="utf-8",
    )
    result = run("eval", str(questions))
    assert "top-1:        1.000" in result.stdout and "abstention:   1.000" in result.stdout
    missing = run("eval", str(tmp_path / "missing.yaml"))
    assert missing.returncode == 2 and "niet lezen" in missing.stderr and "Traceback" not in missing.stderr


def test_eval_on_broken_yaml_is_a_readable_usage_error(tmp_path):
    broken = tmp_path / "kapot.yaml"
    broken.write_text('questions:\n  - q: "raadslid belt\n    expect: [x]\n  - : :\n', encoding="utf-8")
    result = run("eval", str(broken))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "geen geldige YAML" in result.stderr and "regel" in result.stderr and str(broken) in result.stderr
    wrong_shape = tmp_path / "lijst.yaml"
    wrong_shape.write_text("- q: x\n", encoding="utf-8")
    result = run("eval", str(wrong_shape))
    assert result.returncode == 2 and "questions" in result.stderr


def test_version():
    result = run("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"antenne {antenne.__version__}"


def test_usage_errors_exit_2():
    assert run("bestaat-niet").returncode == 2
    assert run("ask").returncode == 2


def test_a_reader_that_goes_away_is_not_an_error_message():
    """`antenne ask --json - | head -1`: the pipe closes early; no traceback, no misleading message."""
    process = subprocess.Popen(
        [sys.executable, "-m", "antenne", "ask", "--json", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdin.write(b"raadslid belt over budget\n")
    process.stdin.flush()
    assert b"raadslid" in process.stdout.readline()
    process.stdout.close()  # like `head -1` exiting
    process.stdin.write(b"de klik met mijn wethouder\n" * 10)
    process.stdin.close()
    code = process.wait(timeout=60)
    stderr = process.stderr.read().decode()
    assert code == 141 and stderr == ""


def test_content_check_lists_every_problem_and_exits_1(tmp_path):
    import shutil

    from antenne.bot.content.paths import default_content_dir

    content = tmp_path / "content"
    shutil.copytree(default_content_dir(), content, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    case = next((content / "cases").glob("*.yaml"))
    case.write_text("id: [kapot\n", encoding="utf-8")
    result = run("content", "check", str(content))
    assert result.returncode == 1 and case.name in result.stderr and "Traceback" not in result.stderr
    # Other commands cannot serve broken content: a configuration problem, exit 2.
    result = subprocess.run(
        [sys.executable, "-m", "antenne", "ask", "raadslid"],
        capture_output=True,
        text=True,
        check=False,
        env={**__import__("os").environ, "ANTENNE_CONTENT_DIR": str(content)},
    )
    assert result.returncode == 2 and case.name in result.stderr


def test_bad_configuration_is_reported(monkeypatch):
    result = subprocess.run(
        [sys.executable, "-m", "antenne", "ask", "x"],
        capture_output=True,
        text=True,
        check=False,
        env={"ANTENNE_MAX_QUESTION_CHARS": "veel", "PATH": ""},
    )
    assert result.returncode == 2 and "ANTENNE_MAX_QUESTION_CHARS='veel' is geen geheel getal" in result.stderr


def chat_transcript(antenne, lines: str, **options) -> str:
    import io

    out = io.StringIO()
    assert chat(antenne, io.StringIO(lines), out, interactive=False, **options) == 0
    return out.getvalue()


def test_chat_session(antenne):
    votes = []
    text = chat_transcript(
        antenne,
        "raadslid belt over budget\nmeer\nandere tip\n+\ntip bestuurder\nhoe laat is het\n1\nstop\n",
        feedback=lambda item, vote: votes.append((item, vote)),
    )
    assert "Wat er gebeurde" in text and "Bedankt voor je feedback" in text
    assert "Daar kan ik je niet mee helpen" in text and "Tot ziens" in text
    [(item, vote)] = votes
    assert vote == 1 and (antenne.kb.case(item) or antenne.kb.tip(item))


def test_chat_without_a_store_does_not_thank_for_feedback_it_drops(antenne):
    text = chat_transcript(antenne, "raadslid belt over budget\n-\n")
    assert "niet bewaard" in text and "Bedankt voor je feedback" not in text


def test_chat_says_so_when_the_vote_cannot_be_kept(antenne):
    from antenne.bot.errors import StoreUnavailable

    def broken(item: str, vote: int) -> None:
        raise StoreUnavailable("De database is niet bereikbaar")

    text = chat_transcript(antenne, "raadslid belt over budget\n+\n", feedback=broken)
    assert "kon ik niet bewaren" in text and "Bedankt" not in text


def test_chat_help_offers_only_what_chat_does(antenne):
    text = chat_transcript(antenne, "help\ndigest aan\n")
    help_text = text.split("Digest niet in de terminal")[0]
    assert "tip" in help_text and "digest" not in help_text.lower().split("antenne — ")[-1]
    assert "Digest niet in de terminal" in text


def ambiguous_question(antenne) -> str:
    from antenne.bot.answers.model import AnswerKind

    for case in antenne.kb.cases:
        for other in antenne.kb.cases:
            question = f"{case.title} {other.title}"
            if case is not other and antenne.ask(question).kind is AnswerKind.AMBIGUOUS:
                return question
    pytest.skip("no two case titles make an ambiguous question with this content")


def test_chat_numbers_geen_van_deze_and_refuses_numbers_out_of_range(antenne):
    question = ambiguous_question(antenne)
    answer = antenne.ask(question)
    none_number = len(answer.suggestions) + 1
    text = chat_transcript(antenne, f"{question}\n{none_number + 5}\n{none_number}\n")
    assert f"  {none_number}. Geen van deze" in text
    assert f"Kies 1 t/m {none_number}" in text
    assert "Jammer" in text  # the number pressed "Geen van deze"


def test_chat_welcome_wraps_at_word_boundaries(antenne):
    from antenne.bot.answers.render_text import WIDTH

    welcome = chat_transcript(antenne, "").split("\n\n")[0]
    words = " ".join(welcome.split()).split()
    assert all(len(line) <= WIDTH for line in welcome.splitlines())
    assert welcome.split() == words  # every line break falls between two words
    assert all(word in " ".join(welcome.splitlines()) for word in ("'andere tip',", "'stop'."))


def test_the_edge_words_a_bare_store_error_by_its_cause():
    from antenne.bot.errors import StoreUnavailable

    from antenne.cli.main import describe

    try:
        try:
            raise ConnectionRefusedError("Connect call failed ('127.0.0.1', 1)")
        except ConnectionRefusedError as cause:
            raise StoreUnavailable from cause
    except StoreUnavailable as exc:
        assert describe(exc) == "De database is niet bereikbaar: Connect call failed ('127.0.0.1', 1)"
    assert describe(StoreUnavailable("eigen woorden")) == "eigen woorden"
