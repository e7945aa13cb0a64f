"""Paired comparison of two trees of the tutor under load: which one costs less server CPU per request?

The machines these benches run on change speed by a third from one minute to the next (bench/README.md), so two
bench/load.py runs made one after the other cannot tell a 5 % change from noise. This starts both trees' servers
at once (each its own gunicorn with 2 inline workers, as bench/load.py starts them, and its own database), warms
both, then runs short phases on one and then the other, in alternating order, round after round: both see the same
moments of the machine. It prints, per phase, the median server CPU per request and req/s of each tree, and in how
many rounds the second tree used less CPU than the first.

Run (from a tree that has bench/load.py; export commits with `git archive <commit> | tar -x -C /tmp/<name>`):

    .venv/bin/python bench/ab.py /tmp/old /tmp/new [--db sqlite|postgresql] [--rounds 10] [--phases lessons,answers]

Two servers of one tree differ by up to 8 % in CPU per request when run side by side (the first started costing
less, most rounds), so half the rounds run with A's server started first and half with B's. An A/A run (the same
tree twice) shows the noise left. Bounded like bench/load.py: 127.0.0.1 only, every
phase stops after its requests or 60 s, and both servers' process groups are killed at the end.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)  # bench/engine.py would otherwise shadow the engine package

from bench import load  # after the path fix above

# phase -> (mix, requests per round)
PHASES = {"lessons": ({"lessons": 1}, 2000), "answers": ({"answers": 1}, 1000), "chat": ({"chat": 1}, 600),
          "mix": ({"lessons": 0.6, "chat": 0.15, "answers": 0.25}, 1500)}


def start(tree: Path, kind: str, stack: contextlib.ExitStack) -> load.Server:
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="tutor-ab-")))
    url = stack.enter_context(load.temp_database(kind, folder))
    load.ROOT = tree  # Server.start puts this tree first on the server's PYTHONPATH
    server = load.Server(url, folder).start()
    stack.callback(server.stop)
    return server


async def compare(servers: dict[str, load.Server], room: load.Classroom, phases: list[str],
                  rounds: int) -> dict[tuple[str, str], list[tuple[float, float]]]:
    learners = {name: await load.make_learners(server.port, room, 16) for name, server in servers.items()}
    for name in servers:
        await load.run_phase("warm-up", learners[name], room, {"lessons": 1, "chat": 1, "answers": 1}, 800, 30)
    seen: dict[tuple[str, str], list[tuple[float, float]]] = {(n, p): [] for n in servers for p in phases}
    for r in range(rounds):
        for phase in phases:
            mix, count = PHASES[phase]
            for name in (("A", "B") if r % 2 == 0 else ("B", "A")):
                server = servers[name]
                cpu0 = server.cpu_seconds()
                result = await load.run_phase(phase, learners[name], room, mix, count, 60)
                cpu_ms = (server.cpu_seconds() - cpu0) / max(1, result.requests) * 1e3
                seen[(name, phase)].append((cpu_ms, load.rate(result)))
    for group in learners.values():
        for learner in group:
            learner.conn.close()
    return seen


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("a", type=Path, help="the first tree (the baseline)")
    parser.add_argument("b", type=Path, help="the second tree")
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--rounds", type=int, default=10, help="rounds in all, half with each server start order")
    parser.add_argument("--phases", default="lessons,answers")
    args = parser.parse_args(argv)
    phases = [p for p in args.phases.split(",") if p]
    unknown = [p for p in phases if p not in PHASES]
    if unknown or not phases:
        parser.error(f"--phases: choose from {', '.join(PHASES)} (got {args.phases!r})")
    if not 2 <= args.rounds <= 50:
        parser.error("--rounds must be between 2 and 50")
    for tree in (args.a, args.b):
        if not (tree / "tutor" / "__init__.py").is_file():
            parser.error(f"{tree} is not a tree of the tutor (no tutor/__init__.py)")
    if args.db == "postgresql" and not load.postgres_reachable():
        parser.error("PostgreSQL does not answer on 127.0.0.1:5432")
    print("\n".join(load.machine()), flush=True)
    room = load.Classroom.from_bank()
    seen: dict[tuple[str, str], list[tuple[float, float]]] = {(n, p): [] for n in "AB" for p in phases}
    # Two servers of the same tree differ by up to 8 % in CPU per request (an A/A run), the first one started
    # usually costing less: so half the rounds run with A's server started first and half with B's.
    for order in ("AB", "BA"):
        trees = {"A": args.a.resolve(), "B": args.b.resolve()}
        with contextlib.ExitStack() as stack:
            servers = {name: start(trees[name], args.db, stack) for name in order}
            for key, values in asyncio.run(compare(servers, room, phases, args.rounds // 2)).items():
                seen[key] += values
    rounds = len(seen[("A", phases[0])])
    print(f"A = {args.a}, B = {args.b}, {args.db}, {rounds} rounds (half with each server started first)")
    for phase in phases:
        a_cpu, a_rate = zip(*seen[("A", phase)])
        b_cpu, b_rate = zip(*seen[("B", phase)])
        lower = sum(1 for x, y in zip(a_cpu, b_cpu) if y < x)
        print(f"  {phase:8s} server CPU per request: A {statistics.median(a_cpu):.3f} ms, B "
              f"{statistics.median(b_cpu):.3f} ms (B/A {statistics.median(b_cpu) / statistics.median(a_cpu):.3f}; "
              f"B lower in {lower} of {rounds} rounds)   req/s: A {statistics.median(a_rate):.0f}, "
              f"B {statistics.median(b_rate):.0f} (B/A {statistics.median(b_rate) / statistics.median(a_rate):.3f})")


if __name__ == "__main__":
    main()
