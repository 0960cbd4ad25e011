"""``make bench``: latency of REST round trips and memory of both servers, on loopback.

Starts the real action and Rasa servers on free ports with throw-away databases, replays a
fixed Chinese conversation ``rounds`` times, and writes ``results/bench.json``.
"""
from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import aiohttp

from bot.devtools.chat_client import send
from bot.settings import PROJECT_ROOT, Settings

CONVERSATION = ("你好", "你能做什么", "阶梯电价怎么算", "我要交电费", "？？？", "取消", "谢谢", "再见")


def _rss_mib(pid: int) -> float:
    """Resident memory of a process and its children, from /proc (Linux)."""
    total_kib = 0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        total_kib += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
        pids += [int(child) for child in children]
    return total_kib / 1024


async def _replay(url: str, rounds: int) -> list[float]:
    latencies: list[float] = []
    async with aiohttp.ClientSession() as session:
        for round_no in range(rounds):
            for message in CONVERSATION:
                started = time.perf_counter()
                await send(session, url, f"bench-{round_no}", message)
                latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def run_benchmark(model: Path, rounds: int = 20) -> dict[str, object]:
    from bot.cli import CliContext, seed_if_absent
    from bot.clock import clock_from_env
    from bot.server.launcher import Servers, free_port

    with tempfile.TemporaryDirectory() as workdir:
        settings = replace(
            Settings.from_env(),
            database_url=f"sqlite:///{workdir}/app.db", tracker_store_url=f"sqlite:///{workdir}/tracker.db",
            rasa_port=free_port(), action_port=free_port(),
            payment_gateway_port=free_port(), payment_gateway=None, demo_gateway_db=Path(workdir) / "gateway.db",
        )
        context = CliContext(settings, clock_from_env())
        try:
            seed_if_absent(context)
        finally:
            context.close()
        servers = Servers(settings)
        started = time.perf_counter()
        servers.start(model, log_dir=Path(workdir) / "logs")
        try:
            servers.wait_until_ready()
            startup_s = time.perf_counter() - started
            latencies = asyncio.run(_replay(servers.rasa_url, rounds))
            memory = {name: round(_rss_mib(p.pid), 1) for name, p in servers.processes.items()}
        finally:
            servers.stop()
    ordered = sorted(latencies)
    return {
        "messages": len(latencies),
        "startup_seconds": round(startup_s, 1),
        "latency_ms": {
            "p50": round(statistics.median(ordered), 1),
            "p95": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
            "max": round(ordered[-1], 1),
        },
        "rss_mib": memory,
    }


def main(rounds: int = 20) -> dict[str, object]:
    from bot.training.fingerprint import ensure_model

    report = run_benchmark(ensure_model(), rounds)
    target = PROJECT_ROOT / "results" / "bench.json"
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return report
