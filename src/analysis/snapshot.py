"""A clean copy of the project (tracked and new, non-ignored files), for end-to-end tests and benchmarks.

The copy reuses the project's virtual environment; PYTHONPATH points the build and its kernels at the
copy's own ``src`` so nothing of the working tree is touched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from analysis.paths import ROOT


def copy_project(target: Path) -> Path:
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, check=True,
                           capture_output=True).stdout.decode().split("\0")
    for rel in filter(None, files):
        src = ROOT / rel
        if src.is_file():
            dst = target / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    return target


def project_env(project: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(project / "src")}


def run_cli(project: Path, *args: str, timeout: int = 1800) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analysis", *args], cwd=project, env=project_env(project),
                          capture_output=True, text=True, timeout=timeout, check=False)
