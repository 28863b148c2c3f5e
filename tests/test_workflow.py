"""The CI workflow: it runs when any input of the book changes, cannot bring back a cache of other
dependencies, gives Pages rights to the deploying job only, never cancels a deployment, and uses root for the
Debian packages alone."""

from __future__ import annotations

import fnmatch
import subprocess

import yaml

from analysis.paths import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "book.yml"


def _workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def test_every_tracked_input_triggers_a_build_on_push_and_on_pull_requests() -> None:
    wf = _workflow()
    triggers = wf[True] if True in wf else wf["on"]  # YAML 1.1 reads the key `on` as true
    push, pull = triggers["push"]["paths"], triggers["pull_request"]["paths"]
    assert push == pull
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    ignored_kinds = (".gitignore", "LICENSE", ".importlinter")
    for path in tracked.splitlines():
        if path.endswith(ignored_kinds) or path.startswith("docs/"):
            continue
        assert any(fnmatch.fnmatch(path, pattern) for pattern in push), f"{path} changes nothing in CI"


def test_the_cache_has_no_restore_key_and_its_key_covers_the_dependencies() -> None:
    steps = _workflow()["jobs"]["build"]["steps"]
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache"))
    assert "restore-keys" not in cache["with"]
    for part in ("requirements*.txt", "constraints.txt", "pyproject.toml", "src/**", "data/**", "notebooks/**"):
        assert part in cache["with"]["key"], part


def test_pages_rights_and_root_where_they_are_needed_only() -> None:
    wf = _workflow()
    assert wf["permissions"] == {"contents": "read"}
    assert wf["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert wf["jobs"]["deploy"]["concurrency"]["cancel-in-progress"] is False
    runs = [s["run"] for s in wf["jobs"]["build"]["steps"] if "run" in s]
    assert [r for r in runs if "sudo" in r] == ["sudo bash scripts/system-packages.sh"]
