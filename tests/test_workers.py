"""The shipped `antenne serve` with ANTENNE_WORKERS=2: two processes on one port, one server to the operator.

Slack's side is the loopback fake Web API; mentions arrive on fresh connections,
so the kernel hands them to both processes.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import aiohttp
import pytest

from tests.fakes.slack_api import FakeSlack, sign
from tests.test_entrypoints import ANTENNE, SECRET, base_env, free_port, mention_payload, serve, stop


def workers_of(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def alive(pid: int) -> bool:
    """Running, not gone and not a zombie waiting for a parent to reap it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def env_for(tmp_path: Path, port: int, fake: FakeSlack, **extra: str) -> dict[str, str]:
    return base_env(
        tmp_path,
        port,
        SLACK_BOT_TOKEN="xoxb-workers",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake.base_url,
        ANTENNE_WORKERS="2",
        **extra,
    )


async def post_mention(port: int, event_id: str, ts: str) -> int:
    """One signed mention on its own connection, as Slack sends them."""
    body = json.dumps(mention_payload(event_id, "raadslid belt over budget", ts))
    stamp = str(int(time.time()))
    headers = {"Content-Type": "application/json", "X-Slack-Request-Timestamp": stamp}
    headers["X-Slack-Signature"] = sign(SECRET, stamp, body)
    connector = aiohttp.TCPConnector(force_close=True)
    async with aiohttp.ClientSession(connector=connector) as session:
        async with session.post(f"http://127.0.0.1:{port}/slack/events", data=body, headers=headers) as response:
            return response.status


pytestmark = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads workers from /proc (Linux)")


@pytest.fixture
async def fake_slack():
    fake = await FakeSlack().start()
    yield fake
    await fake.close()


async def test_two_workers_answer_every_mention_once_and_drain_on_sigterm(fake_slack, tmp_path):
    fake_slack.delays["chat.postMessage"] = 1.0  # answers still on their way when the stop comes
    port = free_port()
    process = await serve(env_for(tmp_path, port, fake_slack))
    try:
        [worker] = workers_of(process.pid)
        events = [(f"EvWORK{n}", f"30.{n}") for n in range(12)]
        # Each event twice, as Slack redelivers: the processes share the dedupe in the store.
        statuses = await asyncio.gather(*(post_mention(port, e, ts) for e, ts in events + events))
        assert statuses == [200] * 24
    finally:
        code, log = await stop(process)
    assert code == 0, log
    posted = sorted(call.data["thread_ts"] for call in fake_slack.of("chat.postMessage"))
    assert posted == sorted(ts for _, ts in events)
    assert not alive(worker)
    started = [json.loads(line) for line in log.splitlines() if '"server_started"' in line]
    assert len(started) == 1 and started[0]["workers"] == 2, log
    assert "Traceback" not in log


async def test_in_socket_mode_each_worker_opens_its_own_link_and_answers_what_comes_over_it(fake_slack, tmp_path):
    """Slack allows an app several Socket Mode connections and spreads events over them."""
    port = free_port()
    env = base_env(
        tmp_path,
        port,
        SLACK_BOT_TOKEN="xoxb-socket",
        SLACK_APP_TOKEN="xapp-socket",
        SLACK_API_URL=fake_slack.base_url,
        ANTENNE_WORKERS="2",
    )
    process = await serve(env)
    try:
        await fake_slack.wait_for_links(2)
        for link, ts in ((0, "31.1"), (1, "31.2")):
            envelope = f"env-link-{link}"
            await fake_slack.push_event(envelope, mention_payload(f"EvLINK{link}", "raadslid belt", ts), link=link)
            await fake_slack.wait_for_ack(envelope)
        calls = await fake_slack.wait_for("chat.postMessage", count=2, timeout=15)
        assert sorted(call.data["thread_ts"] for call in calls) == ["31.1", "31.2"]
        assert len(fake_slack.of("apps.connections.open")) == 2
    finally:
        code, log = await stop(process)
    assert code == 0, log
    assert "Traceback" not in log


async def test_a_worker_that_dies_stops_the_server_with_exit_code_1(fake_slack, tmp_path):
    port = free_port()
    process = await serve(env_for(tmp_path, port, fake_slack))
    try:
        [worker] = workers_of(process.pid)
        os.kill(worker, signal.SIGKILL)
        code = await asyncio.wait_for(asyncio.to_thread(process.wait), 15)
    finally:
        if process.poll() is None:
            process.kill()
    log = process.stderr.read() if process.stderr else ""
    assert code == 1, log
    assert '"server_worker_stopped"' in log and "werkproces" in log


async def test_workers_stop_when_the_first_process_is_killed(fake_slack, tmp_path):
    port = free_port()
    process = await serve(env_for(tmp_path, port, fake_slack))
    [worker] = workers_of(process.pid)
    process.kill()
    process.wait()
    deadline = time.monotonic() + 10
    while alive(worker) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    assert not alive(worker)


def test_workers_where_the_system_cannot_fork_are_a_readable_configuration_error(monkeypatch):
    from antenne.adapters.workers import WorkerPool
    from antenne.bot.errors import ExitCode, UsageError

    monkeypatch.delattr(os, "fork")
    with pytest.raises(UsageError, match="ANTENNE_WORKERS") as raised:
        WorkerPool().fork(1)
    assert raised.value.exit_code is ExitCode.USAGE
    WorkerPool().fork(0)  # one process needs no fork


def test_a_bad_worker_count_is_a_readable_configuration_error(tmp_path):
    env = base_env(tmp_path, free_port(), ANTENNE_WORKERS="0")
    result = subprocess.run([ANTENNE, "serve"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "ANTENNE_WORKERS" in result.stderr and "Traceback" not in result.stderr
