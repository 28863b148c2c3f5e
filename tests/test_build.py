"""The build's decisions (analysis.build.cache, .execute, .book), without building the book: cache validity,
parameters reaching a kernel as plain strings, atomic publishing."""

from __future__ import annotations

import contextlib
import json
import subprocess
from pathlib import Path

import nbformat
import pytest

from analysis.build import book
from analysis.build import cache as build_cache
from analysis.build.execute import ChapterFailed, execute_notebook
from analysis.paths import BUILD, ROOT


@pytest.fixture
def chapter(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A tiny notebook, a data file it 'read' (inside the project, as real inputs are) and a cache folder."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    nb_path = tmp_path / "t.ipynb"
    nbformat.write(nb, nb_path)
    data = BUILD / "test-inputs" / f"{tmp_path.name}.csv"
    data.parent.mkdir(parents=True, exist_ok=True)
    data.write_text("a,b\n1,2\n", encoding="utf-8")
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "t.ipynb").write_text("{}", encoding="utf-8")
    meta = {"notebook": build_cache.sha256_file(nb_path), "params": build_cache.params_hash({"p": 1}),
            "code": build_cache.code_hash(), "environment": build_cache.environment_hash(),
            "inputs": {data.relative_to(ROOT).as_posix(): build_cache.sha256_file(data)}}
    (cache / "t.json").write_text(json.dumps(meta), encoding="utf-8")
    yield nb_path, data, cache
    data.unlink(missing_ok=True)


def test_nothing_changed_reuses_the_cache(chapter) -> None:
    nb, _, cache = chapter
    assert build_cache.cache_decision("t", nb, {"p": 1}, cache) == (True, "nothing changed")


def test_no_cache_executes(tmp_path: Path, chapter) -> None:
    nb, _, _ = chapter
    assert build_cache.cache_decision("t", nb, {"p": 1}, tmp_path / "empty") == (False, "no cached execution")


def test_changed_notebook_executes(chapter) -> None:
    nb, _, cache = chapter
    nb.write_text(nb.read_text(encoding="utf-8").replace("x = 1", "x = 2"), encoding="utf-8")
    assert build_cache.cache_decision("t", nb, {"p": 1}, cache) == (False, "notebook changed")


def test_changed_parameters_execute(chapter) -> None:
    nb, _, cache = chapter
    assert build_cache.cache_decision("t", nb, {"p": 2}, cache) == (False, "parameters changed")


def test_changed_code_executes(chapter, monkeypatch) -> None:
    nb, _, cache = chapter
    monkeypatch.setattr(build_cache, "code_hash", lambda: "different")
    assert build_cache.cache_decision("t", nb, {"p": 1}, cache) == (False, "code in src/analysis changed")


def test_a_changed_package_or_python_executes(chapter, monkeypatch) -> None:
    """A cache restored onto a machine with other package versions cannot serve output of the old ones."""
    nb, _, cache = chapter
    monkeypatch.setattr(build_cache, "environment_hash", lambda: "another pandas")
    assert build_cache.cache_decision("t", nb, {"p": 1}, cache) == (False, "Python or an installed package changed")


def test_the_environment_hash_follows_installed_versions(monkeypatch) -> None:
    class Dist:
        def __init__(self, name: str, version: str) -> None:
            self.metadata, self.version = {"Name": name}, version

    build_cache.environment_hash.cache_clear()
    monkeypatch.setattr(build_cache, "distributions", lambda: [Dist("pandas", "3.1.1"), Dist("altair", "6.3.0")])
    one = build_cache.environment_hash()
    build_cache.environment_hash.cache_clear()
    monkeypatch.setattr(build_cache, "distributions", lambda: [Dist("pandas", "3.1.2"), Dist("altair", "6.3.0")])
    assert build_cache.environment_hash() != one
    build_cache.environment_hash.cache_clear()


def test_changed_input_executes_and_says_which(chapter) -> None:
    nb, data, cache = chapter
    data.write_text("a,b\n1,3\n", encoding="utf-8")
    fresh, why = build_cache.cache_decision("t", nb, {"p": 1}, cache)
    assert not fresh and why == f"input {data.relative_to(ROOT).as_posix()} changed"


def test_touched_but_identical_input_is_still_fresh(chapter) -> None:
    """Content hashes, not timestamps: a fresh checkout with a restored cache reuses it."""
    import os

    nb, data, cache = chapter
    os.utime(data, (1, 1))
    assert build_cache.cache_decision("t", nb, {"p": 1}, cache)[0]


def test_removed_input_executes(chapter) -> None:
    nb, data, cache = chapter
    data.unlink()
    gone = f"input {data.relative_to(ROOT).as_posix()} is gone"
    assert build_cache.cache_decision("t", nb, {"p": 1}, cache) == (False, gone)


HOSTILE = ["it's \"quoted\"", "two\nlines", "'); open('PWNED', 'w'); ('", "{__import__('os').getcwd()}",
           "back\\slash"]


def test_string_parameters_arrive_as_plain_strings(tmp_path: Path) -> None:
    """papermill writes parameters as literals: quotes, newlines and code arrive unchanged and never run."""
    out_file = tmp_path / "seen.json"
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("texts = []", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(f"import json\nopen({str(out_file)!r}, 'w').write(json.dumps(texts))"),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    src = tmp_path / "p.ipynb"
    nbformat.write(nb, src)
    execute_notebook(src, tmp_path / "out.ipynb", {"texts": HOSTILE}, "test")
    assert json.loads(out_file.read_text(encoding="utf-8")) == HOSTILE
    assert not (ROOT / "PWNED").exists()


def test_failing_cell_is_named(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("a = 1"),
                                         nbformat.v4.new_code_cell("raise KeyError('missing column')")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    src = tmp_path / "f.ipynb"
    nbformat.write(nb, src)
    with pytest.raises(ChapterFailed, match=r"chapter demo failed in cell 2 .*KeyError: 'missing column'"):
        execute_notebook(src, tmp_path / "out.ipynb", {}, "demo")


def test_publish_swaps_the_site_in_whole(tmp_path: Path) -> None:
    target = tmp_path / "html"
    target.mkdir()
    (target / "index.html").write_text("old", encoding="utf-8")
    staged = tmp_path / "staged"
    staged.mkdir()
    (staged / "index.html").write_text("new", encoding="utf-8")
    book.publish(staged, target)
    assert (target / "index.html").read_text(encoding="utf-8") == "new"
    assert not staged.exists() and not (tmp_path / "html.old").exists()


def test_publish_of_a_missing_site_keeps_the_old_one(tmp_path: Path) -> None:
    target = tmp_path / "html"
    target.mkdir()
    (target / "index.html").write_text("old", encoding="utf-8")
    with pytest.raises(FileNotFoundError):
        book.publish(tmp_path / "nothing", target)
    assert (target / "index.html").read_text(encoding="utf-8") == "old"


def test_toc_lists_every_chapter_in_order() -> None:
    from analysis.chapters import CHAPTERS, toc_yaml

    toc = toc_yaml()
    positions = [toc.index(f"chapters/{c.slug}") for c in CHAPTERS]
    assert positions == sorted(positions)


def test_one_build_at_a_time_stops_a_second_build_at_once(tmp_path: Path) -> None:
    lock = tmp_path / "build.lock"
    busy = r"another build is running .*\(pid \d+\); wait for it"
    with book.one_build_at_a_time(lock), pytest.raises(book.BuildRunning, match=busy), book.one_build_at_a_time(lock):
        pass
    with book.one_build_at_a_time(lock):  # released when the first build ends
        pass


def test_the_real_build_refuses_to_start_while_another_runs() -> None:
    with book.one_build_at_a_time(), pytest.raises(book.BuildRunning):
        book.build(html=False, pdf=False, quiet=True)


@pytest.mark.parametrize("workers", [False, True], ids=["alone", "with a busy worker"])
def test_a_killed_build_leaves_no_lock_behind(tmp_path: Path, workers: bool) -> None:
    import signal
    import subprocess
    import sys
    import time

    lock = tmp_path / "build.lock"
    # A build's workers outlive it for a while when it is killed; they must not keep the lock.
    pool = ("pool = worker_pool(1)\n"
            "    pool.submit(time.sleep, 60); time.sleep(1)\n") if workers else ""
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path\n"
        "from analysis.build.book import one_build_at_a_time, worker_pool\n"
        f"with one_build_at_a_time(Path({str(lock)!r})) as fd:\n    {pool}    print('held', flush=True); "
        "time.sleep(60)")], stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(book.BuildRunning), book.one_build_at_a_time(lock):
            pass
        holder.send_signal(signal.SIGKILL)  # the build only: its worker goes on sleeping
        holder.wait()
        time.sleep(0.2)
        with book.one_build_at_a_time(lock):
            pass
    finally:
        import os

        with contextlib.suppress(ProcessLookupError):
            os.killpg(holder.pid, signal.SIGKILL)  # the orphaned worker
        holder.wait()


def test_jupyter_book_before_the_chapters_are_executed_says_how_in_one_line(tmp_path) -> None:
    import sys

    from support.snapshot import copy_project, project_env

    project = copy_project(tmp_path / "fresh")  # a checkout: book/chapters/ is not in it
    result = subprocess.run([str(Path(sys.executable).parent / "jupyter-book"), "build", str(project),
                             "--path-output", str(tmp_path / "out")], cwd=project, env=project_env(project),
                            capture_output=True, text=True, check=False)
    assert result.returncode != 0
    lines = [ln for ln in (result.stdout + result.stderr).splitlines() if "are not executed yet" in ln]
    assert lines and "python -m analysis build" in lines[0], result.stdout[-2000:] + result.stderr[-2000:]
