"""What makes an earlier result still good: content hashes of a chapter's notebook, parameters, the package's
code, the Python and packages it ran with, and every data file it read; and of all data and code for the data
check."""

from __future__ import annotations

import hashlib
import json
import platform
from functools import cache
from importlib.metadata import distributions
from pathlib import Path
from typing import Any

from analysis.datasets.checks import check_all
from analysis.paths import BUILD, CACHE, CHECKED, CODE, DATA, ROOT


def sha256_file(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def code_hash() -> str:
    h = hashlib.sha256()
    for path in sorted(CODE.rglob("*.py")):
        h.update(path.relative_to(CODE).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


@cache
def environment_hash() -> str:
    """Python's version and every installed distribution with its version: after an upgrade of pandas, altair or
    any other package a kernel may import, every chapter runs again rather than serve output of the old one."""
    installed = sorted({f"{d.metadata['Name']}=={d.version}".lower() for d in distributions() if d.metadata["Name"]})
    text = "\n".join([platform.python_implementation(), platform.python_version(), *installed])
    return hashlib.sha256(text.encode()).hexdigest()


def params_hash(params: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()


def cache_paths(slug: str, cache: Path) -> tuple[Path, Path]:
    """A chapter's cache entry: what it was executed from, and the executed notebook before its prose is pasted
    (each edition pastes its own)."""
    return cache / f"{slug}.json", cache / f"{slug}.ipynb"


def translation_key() -> str:
    """The package's catalogs and code: what the Chinese edition of an executed chapter is made with."""
    from analysis.presentation.language import catalog_files

    h = hashlib.sha256(code_hash().encode())
    for path in catalog_files():
        h.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def cache_decision(slug: str, notebook: Path, params: dict[str, Any], cache: Path = CACHE) -> tuple[bool, str]:
    """Whether the cached execution of a chapter is still valid, and why (for the report and the tests)."""
    meta_path, nb_path = cache_paths(slug, cache)
    if not meta_path.exists() or not nb_path.exists():
        return False, "no cached execution"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("notebook") != sha256_file(notebook):
        return False, "notebook changed"
    if meta.get("params") != params_hash(params):
        return False, "parameters changed"
    if meta.get("code") != code_hash():
        return False, "code in src/analysis changed"
    if meta.get("environment") != environment_hash():
        return False, "Python or an installed package changed"
    for rel, digest in meta.get("inputs", {}).items():
        path = ROOT / rel
        if not path.exists():
            return False, f"input {rel} is gone"
        if sha256_file(path) != digest:
            return False, f"input {rel} changed"
    return True, "nothing changed"


def check_data_once() -> None:
    """check_all, skipped when neither the data nor the code changed since it last passed."""
    h = hashlib.sha256(code_hash().encode())
    for path in sorted(p for p in DATA.rglob("*") if p.is_file()):
        h.update(path.relative_to(DATA).as_posix().encode() + b"\0" + path.read_bytes())
    key = h.hexdigest()
    if CHECKED.exists() and CHECKED.read_text(encoding="utf-8") == key:
        return
    check_all()
    BUILD.mkdir(exist_ok=True)
    CHECKED.write_text(key, encoding="utf-8")
