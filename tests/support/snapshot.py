"""A clean copy of the project (tracked and new, non-ignored files), for end-to-end tests and benchmarks.

The copy reuses the project's virtual environment; PYTHONPATH points the build and its kernels at the
copy's own ``src`` so nothing of the working tree is touched.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

from analysis.paths import ROOT


def copy_project(target: Path, ref: str | None = None) -> Path:
    """Copy the working tree (tracked and new files git does not ignore) or, with ``ref``, a commit.

    ``ref`` defaults to the environment variable BOOK_SNAPSHOT_REF, so a test run can pin the copy to a
    commit (e.g. HEAD) while the working tree holds unfinished work.
    """
    ref = ref or os.environ.get("BOOK_SNAPSHOT_REF")
    target.mkdir(parents=True, exist_ok=True)
    if ref:
        archive = subprocess.run(["git", "archive", "--format=tar", ref], cwd=ROOT, check=True,
                                 capture_output=True).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(target, filter="data")
        return target
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
