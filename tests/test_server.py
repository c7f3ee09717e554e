"""`antenne serve` as an operator runs it: start, health, SIGTERM, bad configuration."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from antenne.adapters.platforms import load_platforms
from antenne.bot.config import ConfigError, load_settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_starts_without_credentials_and_stops_gracefully_on_sigterm(tmp_path):
    port = free_port()
    env = {**os.environ, "ANTENNE_PORT": str(port), "ANTENNE_DATA_DIR": str(tmp_path)}
    env = {k: v for k, v in env.items() if not k.startswith(("SLACK_", "MICROSOFT_"))}
    process = subprocess.Popen(
        [sys.executable, "-m", "antenne", "serve"], env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, "server did not come up"
                time.sleep(0.1)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
        log = process.stderr.read()
        assert '"event": "slack_disabled"' in log and '"event": "server_stopped"' in log
    finally:
        if process.poll() is None:
            process.kill()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET ontbreekt"),
        ({"SLACK_BOT_TOKEN": "token"}, "SLACK_BOT_TOKEN moet met 'xoxb-' beginnen"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-2"}, "SLACK_APP_TOKEN moet met 'xapp-' beginnen"),
        ({"SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN ontbreekt"),
        ({"ANTENNE_PORT": "99999"}, "ANTENNE_PORT=99999 moet tussen 1 en 65535 liggen"),
        ({"ANTENNE_LOG_LEVEL": "luid"}, "ANTENNE_LOG_LEVEL='LUID'"),
        ({"ANTENNE_CONTENT_DIR": "/bestaat/niet"}, "ANTENNE_CONTENT_DIR: map '/bestaat/niet' bestaat niet"),
    ],
)
def test_configuration_problems_are_named(env, message):
    with pytest.raises(ConfigError) as caught:
        load_platforms(load_settings(env))
    assert message in str(caught.value)


def test_socket_mode_needs_no_signing_secret():
    [slack] = load_platforms(load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}))
    assert slack.mode == "socket mode"


def test_serve_refuses_bad_configuration_with_a_readable_message():
    env = {**os.environ, "SLACK_BOT_TOKEN": "xoxb-1"}
    env.pop("SLACK_SIGNING_SECRET", None)
    env.pop("SLACK_APP_TOKEN", None)
    result = subprocess.run(
        [sys.executable, "-m", "antenne", "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "Configuratie klopt niet" in result.stderr and "SLACK_SIGNING_SECRET ontbreekt" in result.stderr


def test_serve_stops_with_a_clear_log_line_when_the_database_is_unreachable(tmp_path):
    env = {
        **os.environ,
        "ANTENNE_PORT": str(free_port()),
        "DATABASE_URL": "postgresql://antenne:geheim@127.0.0.1:1/antenne",
    }
    command = [sys.executable, "-m", "antenne", "serve"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 3
    assert '"event": "store_unavailable"' in result.stderr and "Traceback" not in result.stderr
    assert "127.0.0.1:1" in result.stderr  # the reason, not just the class name
    assert "geheim" not in result.stderr  # the password never reaches the log


def test_the_shutdown_grace_fits_the_stop_timeout_the_docs_ask_for():
    """The drain must end before the orchestrator kills the process (see README, Dockerfile)."""
    import re
    from pathlib import Path

    from antenne.adapters.lifecycle import RECORDER_TIMEOUT
    from antenne.adapters.server import HANDLER_TIMEOUT

    root = Path(__file__).resolve().parents[1]
    readme, dockerfile = (root / "README.md").read_text(), (root / "Dockerfile").read_text()
    stop_timeout = int(re.search(r"--stop-timeout (\d+)", readme).group(1))
    assert f"--stop-timeout {stop_timeout}" in dockerfile and f"stop_grace_period: {stop_timeout}s" in readme
    grace = int(re.search(r"ANTENNE_SHUTDOWN_GRACE_SECONDS=(\d+)", dockerfile).group(1))
    assert grace == load_settings({}).shutdown_grace
    assert grace + HANDLER_TIMEOUT + RECORDER_TIMEOUT + 3 <= stop_timeout
    assert load_settings({"ANTENNE_SHUTDOWN_GRACE_SECONDS": "5"}).shutdown_grace == 5


SERVE_AND_REPORT = """
import sys
from antenne.adapters.server import serve
from antenne.bot.config import load_settings
try:
    serve(load_settings())
except Exception as exc:
    print(type(exc).__name__, getattr(exc, "exit_code", None), str(exc), sep="|")
"""


def serve_in_process(env: dict[str, str]) -> tuple[str, str]:
    result = subprocess.run(
        [sys.executable, "-c", SERVE_AND_REPORT], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    return result.stdout.strip(), result.stderr


def test_serve_raises_store_unavailable_with_the_reason_and_without_the_password(tmp_path):
    env = {
        **os.environ,
        "ANTENNE_PORT": str(free_port()),
        "ANTENNE_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "postgresql://antenne:geheim@127.0.0.1:1/antenne",
    }
    raised, log = serve_in_process(env)
    name, code, message = raised.split("|", 2)
    assert name == "StoreUnavailable" and code == "3"
    assert "127.0.0.1" in message and "Connect" in message + log  # why, not just the class name
    assert "geheim" not in raised + log
    assert '"event": "server_started"' not in log


def test_serve_raises_a_readable_error_for_a_taken_port(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        env = {**os.environ, "ANTENNE_PORT": str(taken.getsockname()[1]), "ANTENNE_DATA_DIR": str(tmp_path)}
        env = {k: v for k, v in env.items() if not k.startswith(("SLACK_", "MICROSOFT_", "DATABASE_URL"))}
        raised, log = serve_in_process(env)
    name, code, message = raised.split("|", 2)
    assert name == "AntenneError" and code == "1" and "ANTENNE_PORT" in message
    assert '"event": "server_started"' not in log


def test_serve_raises_config_errors_for_platform_settings(tmp_path):
    env = {**os.environ, "ANTENNE_DATA_DIR": str(tmp_path), "SLACK_BOT_TOKEN": "xoxb-1"}
    env = {k: v for k, v in env.items() if k not in ("SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN")}
    raised, _ = serve_in_process(env)
    name, code, message = raised.split("|", 2)
    assert name == "ConfigError" and code == "2" and "SLACK_SIGNING_SECRET ontbreekt" in message
