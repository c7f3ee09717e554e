"""The Dockerfile, read as a reviewer would: there is no container engine here to build it.

Its install steps themselves (the wheel, the lock, then the wheel with --no-index)
run for real in tests/test_wheel.py.
"""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def instructions() -> list[tuple[str, str]]:
    text = (REPO / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "") for line in lines]


def test_two_stages_and_only_the_wheel_reaches_the_image() -> None:
    steps = instructions()
    stages = [i for i, (op, _) in enumerate(steps) if op == "FROM"]
    assert len(stages) == 2
    final = steps[stages[1] :]
    copies = [arg for op, arg in final if op == "COPY"]
    assert copies == ["requirements.lock /tmp/requirements.lock", "--from=wheel /dist/ /tmp/dist/"]
    assert not any(op == "COPY" and re.search(r"\b(bot|adapters|content)\b", arg) for op, arg in final)


def test_dependencies_are_a_layer_of_their_own_before_the_code() -> None:
    final = instructions()[[i for i, (op, _) in enumerate(instructions()) if op == "FROM"][1] :]
    runs = [arg for op, arg in final if op == "RUN"]
    lock = next(i for i, arg in enumerate(runs) if "-r /tmp/requirements.lock" in arg)
    wheel = next(i for i, arg in enumerate(runs) if "antenne-*.whl" in arg)
    assert lock < wheel
    assert "--no-index" in runs[wheel] and "-c /tmp/requirements.lock" in runs[wheel]


def test_a_numeric_non_root_user() -> None:
    users = [arg for op, arg in instructions() if op == "USER"]
    assert users and re.fullmatch(r"[1-9]\d*:[1-9]\d*", users[-1])


def test_healthcheck_and_entrypoint() -> None:
    ops = dict(instructions())
    assert "/healthz" in ops["HEALTHCHECK"] and ops["ENTRYPOINT"] == '["antenne"]' and ops["CMD"] == '["serve"]'


def test_build_leftovers_stay_out_of_the_context() -> None:
    ignored = (REPO / ".dockerignore").read_text(encoding="utf-8").split()
    assert {"build", "dist", "**/*.egg-info", ".venv", "tests"} <= set(ignored)


def test_the_lock_pins_every_dependency() -> None:
    import tomllib

    pins = {
        line.split("==")[0].lower()
        for line in (REPO / "requirements.lock").read_text(encoding="utf-8").splitlines()
        if "==" in line and not line.startswith("#")
    }
    declared = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    names = {re.split(r"[<>=\[ ]", d, maxsplit=1)[0].lower() for d in declared}
    assert names <= pins
