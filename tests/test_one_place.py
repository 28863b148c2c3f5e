"""Facts kept in one place: the census population, the bibliography's text, the carbon market's statements.
Where code must repeat a datum (a notebook's parameters cell states its default), a test ties it to the data."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.chapters import CENSUS_POPULATION, CHAPTERS
from analysis.datasets.bibliography import entry_bibtex, fields, read_bibliography, source_key
from analysis.datasets.carbon_market import CARBON_COLUMNS, validate_carbon_market
from analysis.datasets.context_series import load_context
from analysis.paths import BIBLIOGRAPHY, CARBON_MARKET


def test_the_census_population_default_is_the_context_series_figure() -> None:
    ctx = load_context()
    census = ctx[ctx["indicator"] == "census_pop"]
    assert len(census) == 1
    assert census["value"].iloc[0] == CENSUS_POPULATION
    declared = [p.default for c in CHAPTERS for p in c.params if p.name == "population"]
    assert declared and set(declared) == {CENSUS_POPULATION}


def test_the_childcare_goal_default_is_the_sourced_figure() -> None:
    from analysis.datasets.outside_figures import outside_figure

    goal = outside_figure("childcare_places_per_1000_goal_2025")
    declared = [p.default for c in CHAPTERS for p in c.params if p.name == "childcare_benchmark_per_1000"]
    assert declared == [goal.value] and goal.grade in ("official", "official-secondary", "unofficial")


def test_every_outside_figure_prints_its_value_and_names_its_page(tmp_path) -> None:
    from analysis.datasets.outside_figures import validate_outside_figures
    from analysis.paths import OUTSIDE_FIGURES

    assert validate_outside_figures() == []
    text = OUTSIDE_FIGURES.read_text(encoding="utf-8").replace("总面积约7.7平方公里", "总面积约8平方公里")
    path = tmp_path / "o.csv"
    path.write_text(text, encoding="utf-8")
    problems = validate_outside_figures(path)
    assert [(p.line, p.column) for p in problems] == [(2, "excerpt")]
    assert "does not print the value 7.7" in problems[0].message


def test_the_bibliography_shows_each_entry_as_the_file_writes_it() -> None:
    """The cite page prints entries through pybtex; the file keeps that one style, so nothing is lost."""
    text = BIBLIOGRAPHY.read_text(encoding="utf-8")
    keys = list(read_bibliography().entries)
    assert len(keys) >= 10
    for key in keys:
        assert entry_bibtex(key) in text, key
    assert entry_bibtex("no-such-key") is None


def test_bibliography_fields_and_keys() -> None:
    entries = fields()
    assert entries["wuhan2021census"]["author"] == "{武汉市统计局} and {武汉市第七次全国人口普查领导小组办公室}"
    for key, f in entries.items():
        if f.get("url"):
            assert source_key(f["url"], entries=entries) == key
    # a page without an address is found by its title, a reconstructed title too
    assert source_key("", "[title not in stored excerpt] 勇挑大梁 走在前列 奋力推进中国式现代化武昌实践") \
        == "wuchang2023review"
    with pytest.raises(KeyError, match="add one to the bibliography"):
        source_key("http://example.org/none.html", "无此页面", entries=entries)


def _write(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "carbon_market.csv"
    path.write_text(",".join(c.name for c in CARBON_COLUMNS) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_the_carbon_market_file_is_valid() -> None:
    assert validate_carbon_market(CARBON_MARKET) == []


@pytest.mark.parametrize(("row", "column", "says"), [
    ("2023,abc,212000000,,p,doc,http://a.b/c,2024-01,成交量2.12亿吨,unofficial", "turnover_yuan",
     "expected a positive number"),
    ("2023,1,-5,,p,doc,http://a.b/c,2024-01,x,unofficial", "volume_tonnes", "expected a positive number"),
    ("2023,1,5,,p,doc,ftp://a.b/c,2024-01,x,unofficial", "source_url", "expected an address"),
    ("2023,1,5,,p,doc,http://a.b/c,2024-01,x,rumour", "grade", "expected one of official"),
    ("2023,1,5,,p,,http://a.b/c,2024-01,x,unofficial", "source_title", "is empty"),
    ("2023,1,5,,p,doc,http://a.b/c,January,x,unofficial", "dated", "expected YYYY-MM-DD or YYYY-MM"),
    # the excerpt must print each number of the row as the source writes it
    ("2023,14444000000,212000000,,p,doc,http://a.b/c,2024-01,\"成交量2.12亿吨,成交额144.4亿元\",unofficial",
     "excerpt", "does not print the turnover_yuan 14444000000"),
])
def test_a_bad_carbon_market_row_is_named(tmp_path: Path, row: str, column: str, says: str) -> None:
    problems = validate_carbon_market(_write(tmp_path, [row]))
    assert any(p.line == 2 and p.column == column and says in p.message for p in problems), problems
    if column == "excerpt":
        assert "144.44" in problems[0].message  # the forms it looked for
