"""The `antenne` command as a user and an outside evaluation run it."""

from __future__ import annotations

import json
import subprocess
import sys

from antenne.adapters.console.chat import chat


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


def test_ask_does_not_import_platform_sdks():
    code = (
        "import sys; from adapters.cli import main; main(['ask', '--json', 'raadslid']); "
        "print(sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('slack_bolt', 'slack_sdk', 'botbuilder', 'aiohttp')))"
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
    assert run("eval", str(tmp_path / "missing.yaml")).returncode == 1


def test_bad_configuration_is_reported(monkeypatch):
    result = subprocess.run(
        [sys.executable, "-m", "antenne", "ask", "x"],
        capture_output=True,
        text=True,
        check=False,
        env={"ANTENNE_MAX_QUESTION_CHARS": "veel", "PATH": ""},
    )
    assert result.returncode == 2 and "ANTENNE_MAX_QUESTION_CHARS='veel' is geen geheel getal" in result.stderr


def test_chat_session(antenne, tmp_path):
    import io

    script = io.StringIO("raadslid belt over budget\nmeer\nandere tip\n+\ntip bestuurder\nhoe laat is het\n1\nstop\n")
    out = io.StringIO()
    assert chat(antenne, script, out, interactive=False) == 0
    text = out.getvalue()
    assert "Wat er gebeurde" in text and "Bedankt voor je feedback" in text
    assert "Daar kan ik je niet mee helpen" in text and "Tot ziens" in text
