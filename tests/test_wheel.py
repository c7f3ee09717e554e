"""The shipped thing: the wheel, installed with its locked dependencies into a fresh venv, run from elsewhere.

Nothing of the repository is on the path: the commands run in an empty folder,
with no ANTENNE_ variables, so the bundled content and Teams template must come
from the installed package. pip's cache makes the install quick after the first run.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

import antenne

REPO = Path(__file__).resolve().parents[1]
LOCK = REPO / "requirements.lock"
APP_ID = "3f2504e0-4f89-11d3-9a0c-0305e82c3301"


def _run(*command: str | Path, **options: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in command], capture_output=True, text=True, check=False, **options)  # type: ignore[call-overload]


SOURCES = ("pyproject.toml", "README.md", "antenne", "bot", "adapters", "content")  # what the Dockerfile copies


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built from a copy of what the Dockerfile copies, so build/ and *.egg-info never land in the repository."""
    source, out = tmp_path_factory.mktemp("src"), tmp_path_factory.mktemp("dist")
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(REPO / name, source / name)
    result = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", out, source)
    assert result.returncode == 0, result.stderr
    [built] = out.glob("antenne-*.whl")
    return built


def wheelhouse() -> Path:
    """The locked dependencies as wheels, kept in pip's cache folder per lock: later runs install offline."""
    cache = Path(os.environ.get("PIP_CACHE_DIR") or Path.home() / ".cache" / "pip")
    house = cache / "antenne-wheelhouse" / hashlib.sha256(LOCK.read_bytes()).hexdigest()[:16]
    if not (house / "complete").exists():
        result = _run(sys.executable, "-m", "pip", "wheel", "-q", "-r", LOCK, "-w", house)
        assert result.returncode == 0, result.stderr
        (house / "complete").touch()
    return house


@pytest.fixture(scope="session")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel and its locked dependencies; returns its bin/ folder.

    The same two steps as the Dockerfile: the lock, then the wheel with the lock as
    constraints; both offline, so a dependency missing from the lock fails here.
    """
    venv = tmp_path_factory.mktemp("venv")
    assert _run(sys.executable, "-m", "venv", venv).returncode == 0
    pip, offline = venv / "bin" / "pip", ("--no-index", "--find-links", wheelhouse())
    for step in (("-r", LOCK), ("-c", LOCK, wheel)):
        result = _run(pip, "install", "-q", "--no-compile", *offline, *step)
        assert result.returncode == 0, result.stderr
    return venv / "bin"


@pytest.fixture
def elsewhere(tmp_path: Path) -> dict[str, object]:
    """An unrelated working folder and an environment without our variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANTENNE_", "SLACK_", "MICROSOFT_", "DATABASE"))}
    env.pop("PYTHONPATH", None)
    folder = tmp_path / "elders"
    folder.mkdir()
    return {"cwd": folder, "env": {**env, "ANTENNE_DATA_DIR": str(folder / "data")}, "timeout": 120}


def test_the_wheel_installs_one_package_with_its_data(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    tops = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert tops == {"antenne"}  # no generic top-level 'bot' or 'adapters' to clash with
    assert "antenne/content/cases/raadslid-belt-over-budget.yaml" in names
    assert {"antenne/adapters/teams/app/manifest.json", "antenne/adapters/teams/app/en-us.json"} <= set(names)
    assert "antenne/cli/main.py" in names and not any(n.startswith("antenne/bot/cli") for n in names)
    version = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert "version" in version.get("dynamic", []) and wheel.name.startswith(f"antenne-{antenne.__version__}-")


def test_version_and_where_it_runs_from(installed: Path, elsewhere: dict[str, object]) -> None:
    result = _run(installed / "antenne", "--version", **elsewhere)
    assert result.returncode == 0 and result.stdout.strip() == f"antenne {antenne.__version__}"
    where = _run(installed / "python", "-c", "import antenne; print(antenne.__file__)", **elsewhere)
    assert str(installed.parent) in where.stdout and str(REPO) not in where.stdout


def test_ask_tip_and_content_check(installed: Path, elsewhere: dict[str, object]) -> None:
    ask = _run(installed / "antenne", "ask", "--json", "raadslid belt me over een budget", **elsewhere)
    assert ask.returncode == 0, ask.stderr
    assert json.loads(ask.stdout)["results"][0]["id"] == "raadslid-belt-over-budget"
    assert _run(installed / "antenne", "tip", "bestuurder", **elsewhere).returncode == 0
    check = _run(installed / "antenne", "content", "check", **elsewhere)
    assert check.returncode == 0 and check.stdout.startswith("Content in orde:"), check.stderr


def test_teams_package(installed: Path, elsewhere: dict[str, object]) -> None:
    result = _run(
        installed / "antenne", "teams-package", "--app-id", APP_ID, "--website-url", "https://www.gemeente.nl",
        **elsewhere,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(Path(str(elsewhere["cwd"])) / "antenne-teams.zip") as archive:
        assert json.loads(archive.read("manifest.json"))["id"] == APP_ID
        assert {"en-us.json", "color.png", "outline.png"} <= set(archive.namelist())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ready(port: int) -> dict[str, object] | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as response:
            return json.loads(response.read())
    except (OSError, urllib.error.HTTPError):
        return None


def test_serve_until_ready_then_sigterm(installed: Path, elsewhere: dict[str, object]) -> None:
    port = _free_port()
    env = {**elsewhere["env"], "ANTENNE_PORT": str(port)}  # type: ignore[dict-item]
    process = subprocess.Popen(
        [str(installed / "antenne"), "serve"], cwd=elsewhere["cwd"], env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while (body := _ready(port)) is None or body.get("status") != "ready":
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "serve did not become ready"
            time.sleep(0.2)
        assert body["database"] == "ok" and int(body["items"]) > 0  # type: ignore[call-overload]
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        log = process.stderr.read() if process.stderr else ""
        assert '"event": "server_stopped"' in log and "Traceback" not in log
        assert (Path(str(elsewhere["cwd"])) / "data" / "antenne.sqlite3").exists()
    finally:
        if process.poll() is None:
            process.kill()
