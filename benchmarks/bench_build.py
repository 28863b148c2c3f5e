"""Benchmark of the build, on a clean copy of the project: medians of several runs.

Measures (HTML, like the baseline): cold build (empty _build), no-op rebuild, rebuild after changing the
input file with the fewest readers; then the PDF step alone, `run` of one chapter with a new parameter, and
— in the same command — the baseline: a plain `jupyter-book build` with `execute_notebooks: force` over the
same notebooks, and the bare import time of pandas+altair+geopandas.

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


def baseline_book(project: Path) -> Path:
    """The same book for a plain Jupyter Book build that executes every notebook itself."""
    base = project / "baseline"
    shutil.copytree(project / "book", base, ignore=shutil.ignore_patterns("chapters"))
    (base / "chapters").mkdir()
    for c in CHAPTERS:
        shutil.copy(project / "notebooks" / f"{c.slug}.ipynb", base / "chapters" / f"{c.slug}.ipynb")
    config = (base / "_config.yml").read_text(encoding="utf-8")
    config = config.replace('execute_notebooks: "off"', 'execute_notebooks: "force"\n  timeout: 600')
    (base / "_config.yml").write_text(config, encoding="utf-8")
    return base


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    results: dict[str, list[float]] = {k: [] for k in ("cold", "noop", "data_change", "pdf_step", "run_one",
                                                       "baseline", "import")}
    executed_after_change: list[list[str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        project = copy_project(Path(tmp) / "proj")
        env = project_env(project)
        jb = str(Path(sys.executable).parent / "jupyter-book")
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
            run_out, base_out = str(Path(tmp) / f"run{i}"), str(Path(tmp) / f"baseline{i}")
            results["run_one"].append(timed(lambda g=5.0 + i, out=run_out: must(run_cli(
                project, "run", RUN_CHAPTER, "-p", f"{RUN_PARAM}={g}", "--out", out, "--quiet"))))
            base = baseline_book(project)
            results["baseline"].append(timed(lambda b=base, out=base_out: must(subprocess.run(
                [jb, "build", str(b), "--path-output", out], env=env, capture_output=True, text=True,
                check=False))))
            shutil.rmtree(base)
            results["import"].append(timed(lambda: must(subprocess.run(
                [sys.executable, "-c", "import pandas, altair, geopandas"], capture_output=True, text=True,
                check=False))))
    med = {k: statistics.median(v) for k, v in results.items()}
    summary = {
        "runs": args.runs,
        "chapters": len(CHAPTERS),
        "median_seconds": {k: round(v, 2) for k, v in med.items()},
        "all_seconds": {k: [round(x, 2) for x in v] for k, v in results.items()},
        "ratios": {
            "noop / cold (target <= 0.05)": round(med["noop"] / med["cold"], 3),
            "cold / baseline (target < 1)": round(med["cold"] / med["baseline"], 3),
            "run_one / bare import (target <= 3)": round(med["run_one"] / med["import"], 2),
        },
        "executed_after_data_change": executed_after_change,
    }
    print(json.dumps(summary, indent=1, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
