"""The project knows where it is: the checkout a command works on comes from the working folder (or the
variable that names it), not from where the package is installed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis.paths import ROOT, ROOT_ENV, find_root


def _fake_checkout(folder: Path) -> Path:
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "pyproject.toml", folder / "pyproject.toml")
    (folder / "data").mkdir()
    return folder


def test_a_copied_checkout_is_its_own_root_from_any_folder_inside_it(tmp_path) -> None:
    copy = _fake_checkout(tmp_path / "copy")
    (copy / "notebooks").mkdir()
    assert find_root(copy, {}) == copy.resolve()
    assert find_root(copy / "notebooks", {}) == copy.resolve()  # JupyterLab starts kernels in notebooks/


def test_outside_any_checkout_the_package_s_own_checkout_is_used(tmp_path) -> None:
    assert find_root(tmp_path, {}) == ROOT


def test_the_variable_names_the_root_and_a_wrong_one_is_refused_in_one_line(tmp_path) -> None:
    copy = _fake_checkout(tmp_path / "elsewhere")
    assert find_root(Path("/"), {ROOT_ENV: str(copy)}) == copy.resolve()
    with pytest.raises(RuntimeError, match=f"{ROOT_ENV}=.* is not a checkout of the book"):
        find_root(Path("/"), {ROOT_ENV: str(tmp_path)})
