"""The Chinese edition: messages with their numbers as slots, the rules that keep a term's Chinese, translated
charts and tables, and the catalogs themselves (every message translated, nothing of its message broken)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from analysis.build.catalogs import catalog_problems, code_messages, english_runs, read_catalog, translation_problems
from analysis.presentation import edition, language
from analysis.presentation.language import fill, glossed, is_prose, template, translate, using


@pytest.fixture
def catalog(monkeypatch) -> dict[str, str]:
    """A small catalog in place of the book's."""
    messages = {
        "Lifts added in {1}": "{1}年加装电梯",
        "over": "超过",
        "exact": "确数",
        "Works of {1}, by count": "{1}年各项工程数量",
        "count": "数量",
        "reported done": "已报告完成",
        "{n} values of {axis}; the largest is {label} ({shown}).": "{axis}共{n}个数值，最大者为{label}（{shown}）。",
    }
    monkeypatch.setattr(language, "catalog", lambda folder=None: messages)
    language.forget()
    return messages


def test_a_texts_numbers_and_addresses_become_slots_and_come_back() -> None:
    text = "source: 政府工作报告(2021-01-05) http://wcrd.wuchang.gov.cn/zyfb/2021/01/a.html, 1,625.35亿元"
    message, numbers = template(text)
    assert message == "source: 政府工作报告({1}-{2}-{3}) {4}, {5}亿元"
    assert numbers[3] == "http://wcrd.wuchang.gov.cn/zyfb/2021/01/a.html" and numbers[4] == "1,625.35"
    assert fill(message, numbers) == text
    assert fill("{5}亿元，{1}年", numbers) == "1,625.35亿元，2021年"  # a translation may reorder its slots


def test_only_words_are_prose() -> None:
    for code in ("gdp_2023", "review-3", "expected+over", "data/indicators.csv", "#aabbcc", "GCJ-02", "2023", "武昌区"):
        assert not is_prose(code), code
    for words in ("exact", "half-width", "Lifts added in 2023", "GDP 地区生产总值"):
        assert is_prose(words), words


def test_a_term_glossed_in_english_keeps_its_chinese() -> None:
    assert glossed("value 数值") == "数值"
    assert glossed("社零额\nRetail sales of consumer goods") == "社零额"
    assert glossed("地区生产总值 GDP") == "地区生产总值"
    # not a gloss: a kind above where it stands, a sentence ending in a Chinese phrase, a number with its unit
    assert glossed("punctuation\n勇挑大梁 走在前列") is None
    assert glossed("next paragraph writes the same phrase 信心和底气") is None
    assert glossed("GDP {1} 亿元") is None


def test_translate_keeps_the_numbers_and_records_what_it_lacks(catalog) -> None:
    assert translate("Lifts added in 2023") == "Lifts added in 2023"  # the English edition is the source
    with using("zh"):
        assert translate("Lifts added in 2023") == "2023年加装电梯"
        assert translate("  over ") == "  超过 "
        assert translate("1,625.35亿元, 2,024") == "1625.35亿元, 2024"  # Chinese prints no thousands separator
        assert translate("社零额\nRetail sales") == "社零额"
        assert translate("Something new in 2024", "03_x") == "Something new in 2024"
    assert language.MISSING == {"Something new in {1}": "03_x"}
    assert "Lifts added in {1}" in language.SEEN and "社零额\nRetail sales" not in language.SEEN


def test_a_chart_is_translated_where_a_reader_sees_text_and_nowhere_else(catalog) -> None:
    spec = {
        "title": {"text": "Works of 2023, by count", "subtitle": ["count"]},
        "datasets": {"d": [{"label": "reported done", "qualifier": "over", "name_en": "exact", "id": "exact",
                            "value": 5}]},
        "encoding": {"x": {"field": "value", "type": "quantitative", "title": "count"},
                     "y": {"field": "count", "type": "nominal"},  # no title: its field name is shown, translated
                     "color": {"field": "label", "type": "nominal",
                               "scale": {"domain": ["reported done"], "range": ["#aabbcc"]}}},
        "transform": [{"filter": "datum.qualifier == 'over'"}],
        "layer": [{"data": {"values": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, 2]},
                                        "properties": {"label": "reported done"}}]}, "mark": "geoshape"}],
        "usermeta": {"figure": "x-works"},
    }
    with using("zh"):
        out = edition.translated_spec(spec, "t")
    assert out["title"] == {"text": "2023年各项工程数量", "subtitle": ["数量"]}
    row = out["datasets"]["d"][0]
    assert row == {"label": "已报告完成", "qualifier": "超过", "name_en": "exact", "id": "exact", "value": 5}
    assert out["encoding"]["color"]["scale"] == {"domain": ["已报告完成"], "range": ["#aabbcc"]}  # as the data
    assert out["encoding"]["y"]["title"] == "数量" and out["encoding"]["y"]["field"] == "count"
    assert out["transform"] == [{"filter": "datum.qualifier == '超过'"}]  # as the data
    shape, english = out["layer"][0]["data"]["values"][0], spec["layer"][0]["data"]["values"][0]
    assert shape == {**english, "properties": {"label": "已报告完成"}}  # a layer's own rows are data too
    assert out["usermeta"] == spec["usermeta"]


def test_a_tables_cells_are_lines_or_one_wrapped_text(catalog) -> None:
    with using("zh"):
        assert edition.translated_cell("exact\n勇挑大梁 走在前列", "t") == "确数\n勇挑大梁 走在前列"
        assert edition.translated_cell("社零额\nRetail sales", "t") == "社零额"
        note = ("A note the English table wraps\nover three lines of its column, each\n"
                "about as long as the column is wide.")
        edition.translated_cell(note, "t")
    assert note in language.MISSING


def test_a_figures_description_is_composed_in_chinese_from_the_english_spec(catalog) -> None:
    from analysis.presentation.display import describe

    spec = {"datasets": {"d": [{"label": "exact", "value": 5}, {"label": "over", "value": 7}]},
            "mark": "bar", "data": {"name": "d"},
            "encoding": {"x": {"field": "value", "type": "quantitative", "title": "count"},
                         "y": {"field": "label", "type": "nominal"}}}
    assert describe(spec) == "2 values of count; the largest is over (7)."
    with using("zh"):
        assert describe(spec) == "数量共2个数值，最大者为超过（7）。"


def test_translation_problems_name_what_a_translation_breaks() -> None:
    message = "Wuhan added {glue:text}`wuhan_lifts:.0f` lifts in {1}, see `data/x.csv` and [the notes](notes.md)."
    good = "武汉{1}年加装电梯{glue:text}`wuhan_lifts:.0f`部，见`data/x.csv`和[附注](notes.md)。"
    assert translation_problems(message, good) == []
    assert translation_problems(message, "") == ["untranslated"]
    broken = translation_problems(message, "武汉加装电梯{glue:text}`lifts`部，见附注。")
    assert any("slots" in p for p in broken) and any("roles" in p for p in broken)
    assert any("code" in p for p in broken) and any("link" in p for p in broken)
    assert translation_problems("## Where it happens", "# 在哪里") == ["heading level differs"]
    assert english_runs("它的意思是 the true value is higher 而非更低") == ["the true value is higher"]
    assert english_runs("地区生产总值 GDP、CO₂ 与 `some code in here` 都可以") == []


CATALOGS = sorted(p for p in Path(language.CATALOGS).rglob("*.po"))


@pytest.mark.parametrize("path", CATALOGS, ids=[p.name for p in CATALOGS])
def test_every_message_of_the_catalogs_is_translated_whole(path: Path) -> None:
    """No message without its translation, none that breaks its slots, roles, code or links, none with English
    sentences left in it."""
    assert read_catalog(path), f"{path.name} is empty"
    assert catalog_problems(path) == []


def test_every_message_the_code_composes_is_in_the_code_catalog() -> None:
    translated = {m for m, t in read_catalog(language.CATALOGS / "code.po").items() if t}
    missing = sorted(set(code_messages()) - translated)
    assert missing == [], f"run `python -m analysis translations` and translate: {missing[:5]}"


def test_the_chinese_editions_configuration_is_the_english_one_in_chinese() -> None:
    from analysis.build.editions import EDITIONS, config_yaml

    zh = next(e for e in EDITIONS if e.lang == "zh")
    with using("zh"):
        config = yaml.safe_load(config_yaml(zh))
    sphinx = config["sphinx"]["config"]
    assert sphinx["language"] == "zh_CN" and sphinx["locale_dirs"] == ["locale"]
    assert config["latex"]["latex_documents"]["targetname"] == "wuchang-book-zh.tex"
    assert not english_runs(config["title"]) and "第\\thechapter 章" in sphinx["latex_elements"]["preamble"]
    english = yaml.safe_load(Path(language.CATALOGS).parents[2].joinpath("_config.yml").read_text(encoding="utf-8"))
    assert config["execute"] == english["execute"] and config["parse"] == english["parse"]


def test_no_message_is_hidden_inside_an_f_string() -> None:
    """Babel's extractor does not read inside f-strings: a message there would never reach the catalog."""
    import re

    from analysis.paths import BOOK_EXTENSIONS, CODE

    found = [f"{p.name}:{i}" for folder in (CODE, BOOK_EXTENSIONS) for p in sorted(folder.rglob("*.py"))
             for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
             if re.search(r"\{(?:_|gettext)\(", line)]
    assert found == []
