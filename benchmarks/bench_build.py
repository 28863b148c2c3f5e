"""Benchmark of the build, on a clean copy of the project: medians of several runs.

Measures (HTML, like the baseline): cold build (empty _build), no-op rebuild, rebuild after changing the
input file with the fewest readers; then the PDF step alone, `run` of one chapter with a new parameter, and
— in the same command — the baseline: a plain `jupyter-book build` with `execute_notebooks: force` over the
same notebooks, and the bare import time of pandas+altair+geopandas. The editions: a whole cold build (HTML
and PDF) of the English edition alone against one of both editions, and a no-op rebuild of both
(``--editions-only`` measures just these).

    .venv/bin/python benchmarks/bench_build.py [--runs 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analysis.chapters import CHAPTERS

# The project-copy helpers are test support (tests/support), not part of the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from support.snapshot import copy_project, project_env, run_cli

RUN_CHAPTER, RUN_PARAM = "01_regional_strength", "scenario_growth"  # one chapter, one new parameter value


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def must(result: subprocess.CompletedProcess) -> None:
    if result.returncode != 0:
        sys.exit(f"benchmark step failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")


def report(project: Path) -> dict:
    return json.loads((project / "_build" / "build-report.json").read_text(encoding="utf-8"))


def baseline_book(project: Path, target: Path) -> Path:
    """The same book in a project of its own, for a plain Jupyter Book build that executes every notebook itself:
    the unexecuted notebooks stand where the runner writes executed ones, and execution is forced."""
    base = copy_project(target)
    (base / "book" / "chapters").mkdir(parents=True, exist_ok=True)
    for c in CHAPTERS:
        shutil.copy(project / "notebooks" / f"{c.slug}.ipynb", base / "book" / "chapters" / f"{c.slug}.ipynb")
    config = (base / "_config.yml").read_text(encoding="utf-8")
    forced = config.replace('execute_notebooks: "off"', 'execute_notebooks: "force"\n  timeout: 600')
    if forced == config:
        sys.exit("benchmark: _config.yml has no execute_notebooks: \"off\" line to force")
    (base / "_config.yml").write_text(forced, encoding="utf-8")
    return base


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--analyst-only", action="store_true",
                        help="time only one chapter's run with a new parameter, and the bare import")
    parser.add_argument("--editions-only", action="store_true",
                        help="time only whole cold builds of one edition and of both, and a no-op rebuild of both")
    args = parser.parse_args()
    results: dict[str, list[float]] = {k: [] for k in ("cold", "noop", "data_change", "pdf_step", "run_one",
                                                       "baseline", "import", "cold_en", "cold_both", "noop_both")}
    executed_after_change: list[list[str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        project = copy_project(Path(tmp) / "proj")
        jb = str(Path(sys.executable).parent / "jupyter-book")
        if args.analyst_only:
            must(run_cli(project, "run", RUN_CHAPTER, "--out", str(Path(tmp) / "warm"), "--quiet"))  # data check
            for i in range(args.runs):
                analyst_loop(project, Path(tmp) / f"run{i}", 5.0 + i, results)
            report_results(args, {k: v for k, v in results.items() if v}, [])
            return
        if args.editions_only:
            for _ in range(args.runs):
                editions_loop(project, results)
            report_results(args, {k: v for k, v in results.items() if v}, [])
            return
        # HTML only, like the baseline; the PDF step is timed on its own below.
        must(run_cli(project, "build", "--html", "--quiet"))  # warm the OS caches once
        for i in range(args.runs):
            shutil.rmtree(project / "_build", ignore_errors=True)
            results["cold"].append(timed(lambda: must(run_cli(project, "build", "--html", "--quiet"))))
            results["noop"].append(timed(lambda: must(run_cli(project, "build", "--html", "--quiet"))))
            readers: dict[str, set[str]] = {}
            for c in report(project)["chapters"]:
                for p in c["inputs"]:
                    readers.setdefault(p, set()).add(c["name"])
            path = min(readers, key=lambda p: (len(readers[p]), p))
            target = project / path
            target.write_bytes(target.read_bytes() + b"\n")
            results["data_change"].append(timed(lambda: must(run_cli(project, "build", "--html", "--quiet"))))
            executed = sorted(c["name"] for c in report(project)["chapters"] if c["status"] == "executed")
            executed_after_change.append([*executed, f"(changed {path}; its readers: {sorted(readers[path])})"])
            results["pdf_step"].append(timed(lambda: must(run_cli(project, "build", "--pdf", "--quiet"))))
            base_out = str(Path(tmp) / f"baseline{i}")
            analyst_loop(project, Path(tmp) / f"run{i}", 5.0 + i, results)
            base = baseline_book(project, Path(tmp) / f"baseline-project{i}")
            results["baseline"].append(timed(lambda b=base, out=base_out: must(subprocess.run(
                [jb, "build", ".", "--path-output", out], cwd=b, env=project_env(b), capture_output=True,
                text=True, check=False))))
            shutil.rmtree(base)
            editions_loop(project, results)
    report_results(args, results, executed_after_change)


def editions_loop(project: Path, results: dict[str, list[float]]) -> None:
    """Whole cold builds (HTML and PDF, empty _build): the English edition alone, then both editions from the same
    executions; then a no-op rebuild of both."""
    shutil.rmtree(project / "_build", ignore_errors=True)
    results["cold_en"].append(timed(lambda: must(run_cli(project, "build", "--languages", "en", "--quiet"))))
    shutil.rmtree(project / "_build", ignore_errors=True)
    results["cold_both"].append(timed(lambda: must(run_cli(project, "build", "--quiet"))))
    results["noop_both"].append(timed(lambda: must(run_cli(project, "build", "--quiet"))))


def analyst_loop(project: Path, out: Path, growth: float, results: dict[str, list[float]]) -> None:
    """One chapter's `run` with a new parameter value, then the bare import of the libraries it uses."""
    results["run_one"].append(timed(lambda: must(run_cli(
        project, "run", RUN_CHAPTER, "-p", f"{RUN_PARAM}={growth}", "--out", str(out), "--quiet"))))
    results["import"].append(timed(lambda: must(subprocess.run(
        [sys.executable, "-c", "import pandas, altair, geopandas"], capture_output=True, text=True, check=False))))


def report_results(args: argparse.Namespace, results: dict[str, list[float]],
                   executed_after_change: list[list[str]]) -> None:
    med = {k: statistics.median(v) for k, v in results.items()}
    ratios = {
        "noop / cold (target <= 0.05)": ("noop", "cold"),
        "cold / baseline (target < 1)": ("cold", "baseline"),
        "run_one / bare import (target <= 3)": ("run_one", "import"),
        "cold_both / cold_en (target <= 1.5)": ("cold_both", "cold_en"),
    }
    summary = {
        "runs": args.runs,
        "chapters": len(CHAPTERS),
        "median_seconds": {k: round(v, 2) for k, v in med.items()},
        "all_seconds": {k: [round(x, 2) for x in v] for k, v in results.items()},
        "ratios": {name: round(med[a] / med[b], 3) for name, (a, b) in ratios.items() if a in med and b in med},
        "executed_after_data_change": executed_after_change,
    }
    print(json.dumps(summary, indent=1, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
