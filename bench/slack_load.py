"""Load run: signed Slack app_mention events against `antenne serve` on loopback.

Run: .venv/bin/python bench/slack_load.py [--requests N] [--concurrency C]

Measures the time until Slack would get its HTTP 200 (the ack) and requests per
second, side by side with a bare aiohttp handler that only reads the body, in
the same run; and answers per second: the burst's answers, posted after the ack
to a loopback fake of the Slack Web API in its own process, divided by the time
from the burst's first request to its last answer.

The server runs with ANTENNE_WORKERS set to the number of cores (BENCH_WORKERS=1
for one process). It shares the machine with Slack's side of the bench, so the
report ends with CPU ms per answer of the server (with its workers), the fake API,
the load generator and the rest of the machine: on a 2-core box answers/s cannot
pass 2000 / (their sum), and other programs' share shows when a run was disturbed.

PostgreSQL: BENCH_DATABASE_URL=$(scripts/postgres.sh start DIR) .venv/bin/python bench/slack_load.py
Outside matching: BENCH_PROFILE=bench/outside_matching.py .venv/bin/python bench/slack_load.py
(the server's CPU with matching answered from memory: the Slack path, store and composition).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakes.slack_api import event_callback, mention, sign

# Real traffic brings many different questions, long and short, on and off topic: the
# development sets' (a few hundred), so the matcher's per-word memories are not always warm.
QUESTIONS = [
    q["q"]
    for name in ("dev-set.yaml", "second-set.yaml", "dev-questions.yaml")
    for q in yaml.safe_load((ROOT / "tests" / "data" / name).read_text(encoding="utf-8"))["questions"]
]

SECRET = "bench-signing-secret"
# A minimal Slack Web API in its own process: it answers auth.test and counts
# chat.postMessage calls. Slack's side of the bench (this and the load generator)
# speaks plain HTTP/1.1 over asyncio instead of aiohttp, which cost about 0.6 ms of
# CPU per request on each side: on a 2-core box that is CPU the server never has in
# production, where Slack runs on Slack's machines.
FAKE_SLACK = r"""
import asyncio, json, sys
posted = 0
AUTH = json.dumps({"ok": True, "user_id": "UANTENNE", "bot_id": "BANTENNE", "team_id": "T0GEMEENTE"}).encode()
OK = json.dumps({"ok": True, "ts": "1.1"}).encode()

def response(body):
    head = "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: %d\r\n\r\n"
    return (head % len(body)).encode() + body

class Api(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport, self.buffer = transport, b""

    def data_received(self, data):
        global posted
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            lines = self.buffer[:end].decode("latin-1").split("\r\n")
            fields = (line.partition(":") for line in lines[1:])
            length = sum(int(v) for k, _, v in fields if k.lower() == "content-length")
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length:]
            path = lines[0].split(" ")[1]
            posted += path == "/api/chat.postMessage"
            body = json.dumps({"posted": posted}).encode() if path == "/count" else OK
            self.transport.write(response(AUTH if path == "/api/auth.test" else body))

async def main():
    server = await asyncio.get_running_loop().create_server(Api, "127.0.0.1", int(sys.argv[1]))
    await server.serve_forever()

asyncio.run(main())
"""
BARE_SERVER = """
import sys
from aiohttp import web
async def handle(request):
    await request.read()
    return web.Response(status=200)
app = web.Application()
app.router.add_post("/slack/events", handle)
app.router.add_get("/healthz", lambda r: web.Response(text="ok"))
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def wait_healthy(port: int) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(200):
            try:
                async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)
    raise RuntimeError(f"server on {port} did not start")


def event_body(n: int) -> str:
    ts = f"{1_700_000_000 + n}.000100"
    event = mention(QUESTIONS[n % len(QUESTIONS)], ts, channel="C1", user="U1")
    # A shared database remembers the ids of earlier runs: each run has its own.
    return json.dumps(event_callback(event, f"EvBench{RUN}{n:08d}", int(time.time())))


RUN = os.urandom(4).hex()
# Server processes (ANTENNE_WORKERS): one per core unless BENCH_WORKERS says otherwise.
WORKERS = int(os.environ.get("BENCH_WORKERS") or os.cpu_count() or 1)


def signed_request(port: int, body: str) -> bytes:
    """The whole HTTP request as Slack sends it, signed now (a signature is good for 5 minutes)."""
    ts = str(int(time.time()))
    data = body.encode()
    head = (
        f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
        f"X-Slack-Request-Timestamp: {ts}\r\nX-Slack-Signature: {sign(SECRET, ts, body)}\r\n"
        f"Content-Length: {len(data)}\r\n\r\n"
    )
    return head.encode() + data


async def exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> int:
    """Send one request on a kept-alive connection and read its response; returns the status."""
    writer.write(request)
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    length = sum(int(v) for k, _, v in (line.partition(":") for line in head[1:]) if k.lower() == "content-length")
    await reader.readexactly(length)
    return int(head[0].split(" ")[1])


async def load(port: int, requests: int, concurrency: int, first_id: int = 0) -> tuple[list[float], float, int]:
    """`requests` signed mentions from `concurrency` kept-alive connections; latencies, requests/s, non-200s."""
    queue = [signed_request(port, event_body(first_id + n)) for n in range(requests)][::-1]
    latencies: list[float] = []
    failures = 0

    async def worker() -> None:
        nonlocal failures
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while queue:
                request = queue.pop()
                start = time.perf_counter()
                failures += await exchange(reader, writer, request) != 200
                latencies.append((time.perf_counter() - start) * 1000)
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, requests / (time.perf_counter() - started), failures


async def wait_posted(fake_port: int, expected: int, timeout: float = 120) -> int:
    """Poll the fake's count of chat.postMessage calls until `expected` (or the timeout)."""
    started = time.perf_counter()
    async with aiohttp.ClientSession() as session:
        while True:
            async with session.get(f"http://127.0.0.1:{fake_port}/count") as response:
                posted = (await response.json())["posted"]
            if posted >= expected or time.perf_counter() - started > timeout:
                return posted
            await asyncio.sleep(0.02)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process (Linux), to compare runs on a busy machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_cpu_seconds(pid: int) -> float:
    """The server's and its forked workers' (ANTENNE_WORKERS)."""
    workers = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return cpu_seconds(pid) + sum(cpu_seconds(int(worker)) for worker in workers)


def busy_seconds() -> float:
    """CPU seconds the whole machine has been busy (Linux /proc/stat: all but idle and iowait)."""
    ticks = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def cpu_use(server: int, fake: int) -> tuple[float, float, float, float]:
    """CPU seconds so far of the server, the fake Slack API, this load generator and the whole machine."""
    return server_cpu_seconds(server), cpu_seconds(fake), time.process_time(), busy_seconds()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def server_env(antenne_port: int, fake_port: int) -> dict[str, str]:
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": f"http://127.0.0.1:{fake_port}/api/",
        "ANTENNE_PORT": str(antenne_port),
        "ANTENNE_LOG_LEVEL": "WARNING",
        "ANTENNE_WORKERS": str(WORKERS),
        # Event dedupe goes through the store: SQLite in a fresh directory, or BENCH_DATABASE_URL (PostgreSQL).
        "ANTENNE_DATA_DIR": tempfile.mkdtemp(prefix="antenne-bench-"),
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", ""),
    }
    env.pop("SLACK_APP_TOKEN", None)
    return env


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()

    antenne_port, bare_port, fake_port = free_port(), free_port(), free_port()
    fake = subprocess.Popen([sys.executable, "-c", FAKE_SLACK, str(fake_port)])
    await wait_healthy(fake_port)
    env = server_env(antenne_port, fake_port)
    servers = [
        (
            "antenne serve (Slack adapter)",
            antenne_port,
            subprocess.Popen(
                [sys.executable, *os.environ.get("BENCH_PROFILE", "").split(), "-m", "antenne", "serve"],
                env=env,
                cwd=ROOT,
            ),
        ),
        ("bare aiohttp handler", bare_port, subprocess.Popen([sys.executable, "-c", BARE_SERVER, str(bare_port)])),
    ]
    try:
        rows = []
        expected = args.requests + min(200, args.requests)
        for label, port, _ in servers:
            await wait_healthy(port)
            await load(port, min(200, args.requests), args.concurrency, first_id=10**7)  # warm-up, own ids
            if label.startswith("antenne"):
                await wait_posted(fake_port, min(200, args.requests))
                burst_started = time.perf_counter()
                cpu_started = cpu_use(servers[0][2].pid, fake.pid)
            latencies, rps, failures = await load(port, args.requests, args.concurrency)
            rows.append((label, latencies, rps, failures))
            if label.startswith("antenne"):
                posted = await wait_posted(fake_port, expected)
                answering = time.perf_counter() - burst_started
                cpu_ended = cpu_use(servers[0][2].pid, fake.pid)
                cpu = [after - before for after, before in zip(cpu_ended, cpu_started, strict=True)]
    finally:
        for _, _, process in servers:
            process.terminate()
            process.wait(timeout=15)
        fake.terminate()
        fake.wait(timeout=15)

    report(args, rows, posted, expected, answering, cpu)


def report(
    args: argparse.Namespace, rows: list, posted: int, expected: int, answering: float, cpu: list[float]
) -> None:
    bare_rps = rows[1][2]
    print(f"## Slack ack latency, {args.requests} signed app_mention events at {args.concurrency} concurrent\n")
    print("| server | ack p50 ms | ack p99 ms | mean ms | requests/s | vs bare | non-200 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, latencies, rps, failures in rows:
        print(
            f"| {label} | {percentile(latencies, 0.5):.1f} | {percentile(latencies, 0.99):.1f} | "
            f"{statistics.mean(latencies):.1f} | {rps:,.0f} | {rps / bare_rps:.2f}x | {failures} |"
        )
    database = "PostgreSQL" if os.environ.get("BENCH_DATABASE_URL") else "SQLite"
    print(f"\nserver processes (ANTENNE_WORKERS): {WORKERS}")
    print(
        f"answers posted to the fake Slack API: {posted} of {expected} (incl. warm-up); the burst's "
        f"{args.requests} answers took {answering:.1f} s from its first request: "
        f"{args.requests / answering:,.0f} answers/s ({database} for the event dedupe); the server used "
        f"{cpu[0]:.1f} CPU s for them: {args.requests / cpu[0]:,.0f} answers per CPU second (ack included)"
    )
    server, fake, generator, box = (1000 * seconds / args.requests for seconds in cpu)
    rest = box - server - fake - generator
    print(
        f"CPU ms per answer during the burst: server {server:.2f}, fake Slack API {fake:.2f}, "
        f"load generator {generator:.2f}; the rest of the machine (database server, other programs) "
        f"{rest:.2f}; in all {box:.2f} of the {1000 * (os.cpu_count() or 1) * answering / args.requests:.2f} that "
        f"{os.cpu_count()} cores had"
    )


if __name__ == "__main__":
    asyncio.run(main())
