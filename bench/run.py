"""Benchmark the full ``tidtam build`` at each size; print and save a markdown table.

Run from the repository root (``make bench`` does this)::

    .venv/bin/python bench/run.py --sizes 1k,10k,100k,1m

For each size it generates the data if needed (bench/generate.py, cached in bench/out/),
times pandas alone reading the same CSVs (the floor), then runs the real command as a
subprocess, ``tidtam build --source ... --config ... --as-of 2024-07-31``, measuring its
wall time and peak memory, the size of the site on disk and of index.html gzipped. The
build writes the site in several processes (a pool forked from the build), so memory is
the peak of the *sum* over its process tree,
sampled every 0.1 s from /proc: of proportional sets (PSS: a page parent and child share
is split between them, so the sum is the memory actually used) and of resident sets (RSS,
which counts every shared page twice: right after fork the child's RSS equals the
parent's). As a cross-check the machine's used memory (MemTotal - MemAvailable) is
sampled too, as its rise above the level before the build. The 4 GB target is judged by
the larger of PSS and the machine's figure. The largest single process's own peak RSS
(``os.wait4``) is kept too. It checks the build's quarantine counts against
what the generator intended. Results go to bench/out/results.md (this run) and are
appended to bench/out/history.md.
"""

from __future__ import annotations

import argparse
import gc
import gzip
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate  # noqa: E402 (bench/ is not a package; run as a script)

ROOT = generate.ROOT
OUT = generate.OUT
TIDTAM = Path(sys.executable).with_name("tidtam")
STAGES = ("read", "normalize", "render")

# Targets of issue 6 on the 2-core machine (seconds, bytes).
TARGETS = {"100k": {"wall": 10.0, "floor_ratio": 5.0, "index_gz": 1_000_000},
           "1m": {"wall": 120.0, "rss": 4 * 1024**3}}


@dataclass
class Result:
    """One size's measurements."""

    size: str
    reports: int
    wall: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)
    rss: int = 0                 # peak of the process tree's summed RSS, bytes
    pss: int = 0                 # peak of the process tree's summed PSS, bytes
    own_rss: int = 0             # peak RSS of the largest single process (wait4), bytes
    machine: int = 0             # peak rise of the machine's used memory, bytes
    site_bytes: int = 0
    site_files: int = 0
    index_gz: int = 0
    largest_page_gz: int = 0
    floor: float = 0.0
    check: str = ""
    returncode: int = 0

    @property
    def ratio(self) -> float:
        return self.wall / self.floor if self.floor else float("nan")


def read_floor(data: Path) -> float:
    """Seconds pandas alone takes to read the CSVs as text (the lower bound of a read)."""
    gc.collect()
    started = time.perf_counter()
    frames = [pd.read_csv(f, dtype=str, keep_default_na=False) for f in
              sorted(data.glob("*.csv"))]
    took = time.perf_counter() - started
    del frames
    gc.collect()
    return took


class TreeMemory(threading.Thread):
    """Samples the summed RSS and PSS of a process and all its descendants until stopped."""

    def __init__(self, pid: int, every: float = 0.1):
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.rss = self.pss = 0
        # The machine's own view, as a cross-check: MemTotal - MemAvailable above the level
        # before the build (other processes' changes count too; page cache does not).
        self.base = _machine_used()
        self.machine = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            rss = pss = 0
            for pid in self.tree():
                r, p = _memory(pid)
                rss, pss = rss + r, pss + p
            self.rss, self.pss = max(self.rss, rss), max(self.pss, pss)
            self.machine = max(self.machine, _machine_used() - self.base)
            self.done.wait(self.every)

    def tree(self) -> list[int]:
        pids, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            pids.append(pid)
            try:
                for task in Path(f"/proc/{pid}/task").iterdir():
                    todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
        return pids


def _machine_used() -> int:
    """MemTotal - MemAvailable in bytes."""
    info = {}
    for line in Path("/proc/meminfo").read_text().splitlines():
        key, _, rest = line.partition(":")
        info[key] = int(rest.split()[0]) * 1024
    return info["MemTotal"] - info["MemAvailable"]


def _memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in bytes; zeros when it has gone."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0, 0
    values = {}
    for line in text.splitlines()[1:]:
        key, _, rest = line.partition(":")
        if key in ("Rss", "Pss"):
            values[key] = int(rest.split()[0]) * 1024
    return values.get("Rss", 0), values.get("Pss", 0)


@dataclass
class Run:
    """One build's measurements."""

    wall: float
    rss: int        # peak summed RSS of the process tree
    pss: int        # peak summed PSS of the process tree
    own_rss: int    # the largest single process's peak RSS (wait4)
    machine: int    # peak rise of the machine's used memory (MemTotal - MemAvailable)
    stages: dict[str, float]
    returncode: int
    output: str


def run_build(case: Path, site: Path, log, tidtam: list[str]) -> Run:
    """Run one ``tidtam build`` and measure it."""
    cmd = [*tidtam, "build", "--source", str(case / "data"), "--config",
           str(case / "config"), "--as-of", generate.AS_OF.isoformat(), "--out", str(site)]
    started = time.perf_counter()
    # cwd: the case folder, so that `python -m tidtam` imports what PYTHONPATH names
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            cwd=case)
    memory = TreeMemory(proc.pid)
    memory.start()
    lines = []
    for line in proc.stdout:
        lines.append(line)
        log(f"    {line.rstrip()}")
    memory.done.set()
    memory.join()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    stages = {}
    for line in lines:
        m = re.match(r"^(\w+): .*\((\d+\.\d+)s\)\s*$", line)
        if m and m.group(1) in STAGES:
            stages[m.group(1)] = float(m.group(2))
    own = usage.ru_maxrss * 1024
    return Run(wall, max(memory.rss, own), memory.pss, own, memory.machine, stages,
               proc.returncode, "".join(lines))


def site_stats(site: Path) -> tuple[int, int, int, int]:
    """(bytes on disk, files, index.html gzipped, largest .html page gzipped)."""
    total = files = largest = index = 0
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        total += path.stat().st_size
        files += 1
        if path.suffix == ".html":
            gz = len(gzip.compress(path.read_bytes(), compresslevel=6))
            largest = max(largest, gz)
            if path == site / "index.html":
                index = gz
    return total, files, index, largest


def check_counts(case: Path, site: Path) -> str:
    """'ok' when the build quarantined exactly what the generator intended."""
    expected = json.loads((case / "expected.json").read_text("utf-8"))
    try:
        kpis = json.loads((site / "data" / "kpis.json").read_text("utf-8"))
    except OSError:
        return "no kpis.json"
    problems = []
    for sheet in ("directives", "responses", "satisfaction"):
        got, want = kpis["quality"][sheet], expected[sheet]
        for key in ("rows", "accepted", "blank", "rejected_by_reason"):
            if got[key] != want[key]:
                problems.append(f"{sheet}.{key}")
    if kpis["assignments_total"] != expected["assignments"]:
        problems.append("assignments")
    return "ok" if not problems else "MISMATCH " + ", ".join(problems)


def bench_size(name: str, reports: int, out: Path, log, tidtam: list[str]) -> Result:
    """Generate (if needed), measure the floor, run the build, measure the site."""
    case = out / name
    result = Result(name, reports)
    if generate.is_current(case, reports, 2566):
        log(f"[{name}] data is current ({case})")
    else:
        log(f"[{name}] generating {reports} reports ...")
        generate.generate(reports, case, log=lambda m: log(f"    {m}"))
    result.floor = read_floor(case / "data")
    log(f"[{name}] read floor (pandas read_csv, dtype=str): {result.floor:.2f}s")
    log(f"[{name}] tidtam build ...")
    site = case / "site"
    # A full build: no earlier site to carry unchanged pages over from.
    shutil.rmtree(site, ignore_errors=True)
    run = run_build(case, site, log, tidtam)
    result.wall, result.stages, result.returncode = run.wall, run.stages, run.returncode
    result.rss, result.pss, result.own_rss = run.rss, run.pss, run.own_rss
    result.machine = run.machine
    if result.returncode:
        result.check = f"build failed (exit {result.returncode})"
        log(f"[{name}] {result.check}")
        return result
    result.site_bytes, result.site_files, result.index_gz, result.largest_page_gz = \
        site_stats(site)
    result.check = check_counts(case, site)
    log(f"[{name}] {result.wall:.2f}s, peak memory {result.rss / 2**20:.0f} MB RSS "
        f"({result.pss / 2**20:.0f} MB PSS), "
        f"{result.ratio:.1f}x floor, index.html {result.index_gz / 1024:.0f} KB gz, "
        f"counts {result.check}")
    return result


HEADER = ["size", "reports", "build s", "read s", "normalize s", "render s",
          "peak memory MB: PSS (RSS sum / largest / machine)",
          "site MB (files)", "index.html gz KB", "largest page gz KB", "read floor s",
          "build/floor", "counts"]


def table(results: list[Result]) -> str:
    """The results as a markdown table."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for r in results:
        s = r.stages
        cells = [r.size, f"{r.reports:,}", f"{r.wall:.2f}",
                 *(f"{s[k]:.2f}" if k in s else "-" for k in STAGES),
                 f"{r.pss / 2**20:,.0f} ({r.rss / 2**20:,.0f} / {r.own_rss / 2**20:,.0f} / "
                 f"{r.machine / 2**20:,.0f})",
                 f"{r.site_bytes / 1e6:,.1f} ({r.site_files:,})",
                 f"{r.index_gz / 1024:,.0f}", f"{r.largest_page_gz / 1024:,.0f}",
                 f"{r.floor:.2f}", f"{r.ratio:.1f}", r.check]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def target_report(results: list[Result]) -> list[str]:
    """Each target of issue 6 that this run measured, met or not."""
    by = {r.size: r for r in results}
    out = []

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT MET"

    if "100k" in by:
        r, t = by["100k"], TARGETS["100k"]
        out.append(f"100k under {t['wall']:.0f} s: {r.wall:.1f} s, {verdict(r.wall < t['wall'])}")
        out.append(f"100k within {t['floor_ratio']:.0f}x the read floor: {r.ratio:.1f}x, "
                   f"{verdict(r.ratio <= t['floor_ratio'])}")
        out.append(f"100k index.html under 1 MB gzipped: {r.index_gz / 1e6:.2f} MB, "
                   f"{verdict(r.index_gz < t['index_gz'])}")
    if "1m" in by:
        r, t = by["1m"], TARGETS["1m"]
        out.append(f"1M under 2 minutes: {r.wall:.1f} s, {verdict(r.wall < t['wall'])}")
        # Judged by the larger of PSS and the machine's own count; summed RSS counts every
        # page parent and child share twice (a child's RSS right after fork is the parent's).
        used = max(r.pss, r.machine)
        out.append(f"1M peak memory under 4 GB: {used / 2**30:.2f} GB (PSS of both processes "
                   f"{r.pss / 2**30:.2f} GB, machine {r.machine / 2**30:.2f} GB; summed RSS, "
                   f"shared pages twice: {r.rss / 2**30:.2f} GB), "
                   f"{verdict(used < t['rss'])}")
    ordered = sorted((r for r in results if not r.returncode), key=lambda r: r.reports)
    for a, b in zip(ordered, ordered[1:], strict=False):
        if a.reports >= 10_000:  # below that the fixed start-up cost dominates
            growth = (b.wall / a.wall) / (b.reports / a.reports)
            out.append(f"{a.size} -> {b.size}: time x{b.wall / a.wall:.1f} for rows "
                       f"x{b.reports / a.reports:.0f} (per-row cost x{growth:.2f}; "
                       f"<= 1 is linear or better)")
    return out


def machine() -> str:
    """nproc, CPU model and RAM, for the results' header."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem_kb = next(int(line.split()[1]) for line in
                      Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal"))
        ram = f"{mem_kb / 2**20:.0f} GB RAM"
    except (OSError, StopIteration):
        ram = "unknown RAM"
    return f"{os.cpu_count()} cores, {model}, {ram}, Python {sys.version.split()[0]}, " \
           f"pandas {pd.__version__}"


def commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                              capture_output=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1k,10k,100k,1m",
                        help="comma-separated sizes: 1k, 10k, 100k, 1m or a row count")
    parser.add_argument("--out", type=Path, default=OUT, help="working folder (bench/out)")
    parser.add_argument("--tidtam", default=str(TIDTAM),
                        help="the command to benchmark (default: this venv's tidtam); e.g. "
                             "'python -m tidtam' with PYTHONPATH set to compare two trees")
    parser.add_argument("--label", default="",
                        help="name this run: results-<label>.md instead of results.md")
    args = parser.parse_args(argv)
    tidtam = shlex.split(args.tidtam)

    def log(message: str) -> None:
        print(message, flush=True)

    sizes = [generate.parse_size(s) for s in args.sizes.split(",") if s.strip()]
    log(f"machine: {machine()}")
    results = [bench_size(name, reports, args.out, log, tidtam) for name, reports in sizes]
    stamp = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %z")
    label = f" {args.label}" if args.label else ""
    report = "\n".join([
        f"## {stamp}{label} (commit {commit()})", "", f"Machine: {machine()}", "",
        table(results), "", *(f"* {line}" for line in target_report(results)), "",
    ])
    args.out.mkdir(parents=True, exist_ok=True)
    results_file = args.out / (f"results-{args.label}.md" if args.label else "results.md")
    results_file.write_text(report, encoding="utf-8")
    with (args.out / "history.md").open("a", encoding="utf-8") as history:
        history.write(report + "\n")
    log("")
    log(report)
    log(f"written to {results_file} (and appended to history.md)")
    failed = [r for r in results if r.returncode or r.check != "ok"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
