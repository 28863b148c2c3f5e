"""The outlook as commitments (analysis.methods.commitments): the segmentation rule on its cases and on the whole
outlook, verbs, the measurability classes; the charts and context checks of the outlook chapter
(analysis.presentation.commitments, analysis.chapters.commitments), the user dictionary and the word statistics
(analysis.datasets.userdict, analysis.methods.words)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from conftest import context_csv

from analysis.chapters.commitments import context_checks
from analysis.chapters.governance import GOVERNANCE_THEME
from analysis.chapters.wellbeing import OUTLOOK_THEME
from analysis.datasets.context_series import RECONSTRUCTED, RECONSTRUCTED_SAYS, latest, load_context, page_title
from analysis.datasets.indicators import load_indicators
from analysis.datasets.userdict import names_of, read_userdict
from analysis.errors import DataError
from analysis.methods import commitments as cm
from analysis.methods import words
from analysis.presentation.commitments import paragraph_chart, section_axis_label

NAMES = ("华中金融城", "斗级营", "武昌湾路网", "得胜桥千年古陆路网", "铁四院", "武汉碳清算所")


def texts(body: str, names: tuple[str, ...] = NAMES) -> list[str]:
    return [s.text for s in cm.segment(body, names)]


@pytest.fixture(scope="module")
def table(report) -> pd.DataFrame:
    return cm.commitments(report, load_indicators(), read_userdict())


# --- segmentation ---------------------------------------------------------------------------------------

def test_every_outlook_paragraph_has_a_subheading(report):
    paragraphs = [p for p in report.paragraphs if p.role == "body" and p.section in cm.OUTLOOK]
    assert len(paragraphs) == 15
    for p in paragraphs:
        heading = p.subheading
        assert heading and 4 <= len(heading) <= 8, p.text[:12]


def test_commas_and_sentence_marks_cut_and_verb_lists_split_at_dunhao():
    assert texts("持续新建微循环道路、打通断头路,着力提升新增停车位和充电桩。") == [
        "持续新建微循环道路", "打通断头路", "着力提升新增停车位和充电桩"]
    assert texts("华中金融城启动重要节点提档升级;斗级营全面开放运营。") == [
        "华中金融城启动重要节点提档升级", "斗级营全面开放运营"]


def test_verbless_pieces_continue_the_clause_before():
    body = "开展新建楼宇精准招商,存量楼宇腾笼换鸟,楼宇服务配套升级和营商环境品质提升“四个行动”。"
    assert texts(body) == [body[:-1]]
    assert texts("提高基层卫生服务水平,让居民享有家门口的优质医疗服务。") == [
        "提高基层卫生服务水平,让居民享有家门口的优质医疗服务"]


def test_frames_join_the_clause_after_them():
    segs = cm.segment("聚焦碳交易服务、碳资产管理等五个方向,加速推动武汉碳清算所落地,依托曦光大厦推动园区扩容。", NAMES)
    assert [s.text for s in segs] == ["聚焦碳交易服务、碳资产管理等五个方向,加速推动武汉碳清算所落地",
                                      "依托曦光大厦推动园区扩容"]
    assert segs[0].text[segs[0].body - segs[0].start:].startswith("加速推动")
    assert texts("围绕打造全省北斗产业的核心承载地,推动中科、武大智谷建设成型。") == [
        "围绕打造全省北斗产业的核心承载地,推动中科、武大智谷建设成型"]


def test_dunhao_is_not_cut_in_noun_lists_quotes_or_attributes():
    assert texts("启动得胜桥千年古陆路网规划、武昌湾路网建设。") == ["启动得胜桥千年古陆路网规划、武昌湾路网建设"]
    assert texts("组织开展“政企面对面、亲清武昌”系列恳谈会,推进改革。") == [
        "组织开展“政企面对面、亲清武昌”系列恳谈会", "推进改革"]
    assert texts("打造软件集聚区、推动转化。") == ["打造软件集聚区", "推动转化"]
    assert texts("打造软件集聚区、推动转化的发展生态。") == ["打造软件集聚区、推动转化的发展生态"]


def test_segments_cover_every_outlook_character_once(report):
    """Segmentation loses nothing and doubles nothing: only the cut marks fall between segments."""
    names = names_of(read_userdict())
    for p in report.paragraphs:
        if p.role != "body" or p.section not in cm.OUTLOOK:
            continue
        body = p.body
        assert body == p.text[p.body_start:]
        segs = cm.segment(body, names)
        covered = [0] * len(body)
        for s in segs:
            assert body[s.start:s.end] == s.text and s.start <= s.body < s.end
            for i in range(s.start, s.end):
                covered[i] += 1
        for i, ch in enumerate(body):
            assert covered[i] <= 1, (body, i, ch)
            assert covered[i] == 1 or ch in "。;,、\uff1b\uff0c", (body, i, ch)


# --- verbs ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("clause", "verb", "modifiers"), [
    ("加快项目建设", "加快", ()),  # a manner word with no verb after it is the verb
    ("加快推动武昌智算中心上线投用", "推动", ("加快",)),
    ("依托铁四院加快建设杨园工业设计产业集聚区", "建设", ("加快",)),
    ("“一路一策”优化城市道路绿化树种", "优化", ()),
    ("编制实施滨江数创走廊建设规划", "编制实施", ()),
    ("进一步深化推进区属国企改革", "深化推进", ("进一步",)),
])
def test_find_verb(clause, verb, modifiers):
    match = cm.find_verb(clause, NAMES)
    assert (match.verb, match.modifiers) == (verb, modifiers)


def test_named_subject_before_the_verb():
    match = cm.find_verb("斗级营全面开放运营", NAMES)
    assert (match.subject, match.verb, match.modifiers) == ("斗级营", "开放运营", ("全面",))


# --- the commitments table ------------------------------------------------------------------------------

def test_every_commitment_has_a_verb_and_stands_in_the_report(table, report):
    assert len(table) > 100 and (table["verb"] != "").all()
    for row in table.itertuples():
        assert report.text[row.start:row.end] == row.text
        assert report.paragraph_at(row.start).section == row.section


def test_every_outlook_indicator_is_linked_to_exactly_one_commitment(table):
    ind = load_indicators()
    outlook_ids = set(ind[ind["section_key"].isin(cm.OUTLOOK)].index)
    linked = [i for ids in table["indicators"] for i in ids]
    assert sorted(linked) == sorted(outlook_ids)


@pytest.mark.parametrize(("fragment", "measure"), [
    ("年度10项重大民生实事", "number (outcome)"),  # 办好 a count: an outcome
    ("稳定在Ⅲ类以上", "number (outcome)"),  # a floor on a class: an outcome
    ("四大主导产业", "number (scope)"),  # counts the programme's parts, promises no level
    ("2024年中国碳市场大会", "date"),
    ("武汉SKP开业服务", "named deliverable"),
    ("实现滨江地下空间环路通车", "named deliverable"),
    ("实现一批项目如期竣工投用", "vague"),  # a milestone, but no named project
    ("持续守好蓝天净土", "vague"),
    ("春风行动", "vague"),  # campaigns named, but no level and no event one can see
    ("武昌火车站环境品质提升", "vague"),  # a named place with a direction (提升), no event
    ("三岗", "vague"),  # a mechanism to set up: a matter of degree
])
def test_measure_classes(table, fragment, measure):
    rows = table[table["text"].str.contains(fragment, regex=False)]
    assert len(rows) == 1, fragment
    assert rows.iloc[0]["measure"] == measure
    assert rows.iloc[0]["checkable"] == (measure in cm.CHECKABLE)


def test_select_keeps_sections_and_paragraphs_and_rejects_unknown_subheadings(table):
    rows = cm.select(table, sections=["outlook-6"], subheadings=["深化基层治理创新"])
    assert set(rows["section"]) == {"outlook-5", "outlook-6"}
    assert set(rows[rows["section"] == "outlook-5"]["subheading"]) == {"深化基层治理创新"}
    assert len(rows[rows["section"] == "outlook-6"]) == (table["section"] == "outlook-6").sum()
    with pytest.raises(ValueError, match="提升民生"):
        cm.select(table, subheadings=["提升民生"])


def test_checkability_counts_every_measure_with_zeros():
    df = pd.DataFrame({"section": ["a", "a", "b"], "measure": ["date", "vague", "number (scope)"]})
    out = cm.checkability(df, "section", order=["a", "b", "c"])
    assert list(out.columns) == [*cm.MEASURES, "total", "checkable", "share_checkable"]
    assert out.loc["a", "checkable"] == 1 and out.loc["a", "share_checkable"] == 50
    assert out.loc["b", "checkable"] == 0  # a scope number is not checkable
    assert out.loc["c", "total"] == 0 and pd.isna(out.loc["c", "share_checkable"])


def notebook_code(slug: str) -> str:
    import nbformat

    from analysis.chapters import get

    nb = nbformat.read(get(slug).notebook, as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


def chapter_constant(slug: str, name: str) -> str:
    """A string constant a chapter's code sets (the paragraph it reads), so the test follows the chapter."""
    import ast

    for node in ast.walk(ast.parse(notebook_code(slug))):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == name:
            return ast.literal_eval(node.value)
    raise AssertionError(f"{slug} sets no {name}")


def test_wellbeing_governance_and_outlook_chapters_give_the_same_counts(table):
    """04 and 05 select their paragraphs and count with select/checkability; 07 counts per section. The counts
    for a section must agree: outlook-6 read whole by 05, outlook-5 split between 04 and 05."""
    per = cm.per_section(table)  # the outlook chapter's counts
    wellbeing = cm.select(table, subheadings=[OUTLOOK_THEME])
    governance = cm.select(table, sections=["outlook-6"], subheadings=[GOVERNANCE_THEME])
    cols = [*cm.MEASURES, "total", "checkable"]
    w, g = cm.checkability(wellbeing, "section"), cm.checkability(governance, "section")
    assert list(w.index) == ["outlook-5"]
    assert g.loc["outlook-6", cols].tolist() == per.loc["outlook-6", cols].tolist()
    assert (w.loc["outlook-5", cols] + g.loc["outlook-5", cols]).tolist() == per.loc["outlook-5", cols].tolist()
    # per paragraph, as the chapters glue them, the counts add up to the section's too
    paragraphs = cm.checkability(pd.concat([wellbeing, governance]), "subheading")
    for key in ("outlook-5", "outlook-6"):
        subs = table[table["section"] == key]["subheading"].unique()
        assert paragraphs.loc[subs, cols].sum().tolist() == per.loc[key, cols].tolist()
    # the review's cases: 春风行动 (04's paragraph) is not checkable in either chapter's selection or in 07's
    spring = table[table["text"].str.contains("春风行动")]
    assert wellbeing.loc[spring.index, "checkable"].tolist() == spring["checkable"].tolist() == [False]


THEMATIC = {"02_innovation": ("outlook-2", "outlook-3"), "03_urban_quality": ("outlook-4",)}


def test_innovation_urban_and_outlook_chapters_give_the_same_counts(table):
    """02 and 03 select whole sections and count them per section; their counts must be 07's, class by class."""
    per = cm.per_section(table)  # the outlook chapter's counts
    cols = [*cm.MEASURES, "total", "checkable"]
    covered = []
    for slug, expected in THEMATIC.items():
        sections = chapter_constant(slug, "OUTLOOK_SECTIONS")
        assert tuple(sections) == expected, slug
        shown = cm.checkability(cm.select(table, sections=sections), "section", order=sections)
        for key in sections:
            assert shown.loc[key, cols].tolist() == per.loc[key, cols].tolist(), (slug, key)
        covered += list(sections)
        code = notebook_code(slug)
        assert "cm.select(table, sections=OUTLOOK_SECTIONS)" in code and "cm.checkability(" in code
    assert sorted(covered) == ["outlook-2", "outlook-3", "outlook-4"]
    # the case that set the chapters apart: a named place with only a direction is not checkable anywhere
    station = table[table["text"].str.contains("武昌火车站")]
    assert station["measure"].tolist() == ["vague"] and not station["checkable"].any()


def test_paragraph_chart_adds_up_to_the_sections(table):
    rows = cm.select(table, sections=["outlook-2", "outlook-3"])
    spec = paragraph_chart(rows, "t", "Source: test").to_dict()
    data = next(iter(spec["datasets"].values()))
    per = cm.per_section(table)
    for key in ("outlook-2", "outlook-3"):
        label = section_axis_label(key)
        assert sum(d["count"] for d in data if d["heading"] == label) == per.loc[key, "total"]
        assert sum(d["count"] for d in data if d["heading"] == label and d["checkable"] == "yes") == \
            per.loc[key, "checkable"]
    assert spec["spec"]["encoding"]["tooltip"]
    assert any(line.startswith("Source: test") for line in spec["title"]["subtitle"])
    assert spec["resolve"]["scale"]["y"] == "independent"


@pytest.mark.parametrize("slug", ["02_innovation", "03_urban_quality", "04_wellbeing", "05_governance",
                                  "07_commitments"])
def test_chapters_read_outlook_commitments_with_analysis_commitments(slug):
    from analysis.chapters.wellbeing import WELLBEING_DOMAINS
    from analysis.methods import statements

    code = notebook_code(slug)
    assert "from analysis.methods import commitments as cm" in code
    assert "cm.commitments(" in code and "cm.CHECKABLE_RULE" in code and "cm.NOT_CHECKABLE_RULE" in code
    assert "themes.commitments(" not in code and "themes.classify(" not in code
    if slug != "07_commitments":
        assert "cm.select(" in code and "cm.checkability(" in code
    assert not hasattr(statements, "commitment_kind")  # no second classifier of commitments
    with pytest.raises(ValueError, match=r"analysis\.methods\.commitments"):
        statements.review_statements(["outlook-5"], WELLBEING_DOMAINS)


def test_evidence_follows_the_class(table):
    ind = load_indicators()
    row = next(table[table["text"].str.contains("碳清算所")].itertuples())
    assert row.measure == "named deliverable" and row.indicators  # a scope number and a named deliverable
    assert cm.evidence(row, ind).startswith("武汉碳清算所 → ")
    row = next(table[table["text"].str.contains("武昌火车站")].itertuples())
    assert "no event" in cm.evidence(row, ind)


def test_per_section_counts_add_up(table):
    per = cm.per_section(table)
    assert list(per.index) == list(cm.OUTLOOK)
    assert per["total"].sum() == len(table)
    assert per["checkable"].sum() == table["checkable"].sum()
    assert ((per["share_checkable"] >= 0) & (per["share_checkable"] <= 100)).all()


# --- the user dictionary and words ----------------------------------------------------------------------

def test_userdict_errors_name_the_line(tmp_path):
    path = tmp_path / "dict.txt"
    path.write_text("滨江数创走廊 2000 nz\n武碳通 nz\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"dict.txt:2: found '武碳通 nz'"):
        read_userdict(path)


def test_tokenizer_keeps_project_terms_whole():
    tok = words.tokenizer()
    tokens = list(tok.cut("编制实施滨江数创走廊建设规划,搭建武碳通平台", HMM=False))
    assert "滨江数创走廊" in tokens and "武碳通" in tokens


def test_keep_filters_function_words_numbers_and_latin():
    assert words.keep("数字经济") and words.keep("GDP")
    assert not words.keep("and") and not words.keep("1900") and not words.keep("的") and not words.keep("武昌")


def test_log_ratio_signs_and_smoothing():
    counts = pd.DataFrame({"word": ["甲", "乙", "丙"], "review": [10, 0, 5], "outlook": [10, 6, 0]})
    lr = words.log_ratio(counts, smoothing=0.5, min_count=1).set_index("word")
    # V = 3 words, N_o = 16, N_r = 15: rates (10 + 0.5) / (16 + 1.5) and (10 + 0.5) / (15 + 1.5)
    assert math.isclose(lr.loc["甲", "log2_ratio"], math.log2((10.5 / 17.5) / (10.5 / 16.5)))
    assert lr.loc["乙", "log2_ratio"] > 0 > lr.loc["丙", "log2_ratio"]
    assert all(math.isfinite(x) for x in lr["log2_ratio"])
    assert "乙" not in words.log_ratio(counts, 0.5, min_count=7)["word"].tolist()
    with pytest.raises(ValueError):
        words.log_ratio(counts, smoothing=0)


def test_word_counts_per_part(report):
    counts = words.word_counts(report, words.tokenizer())
    assert counts["review"].sum() > 500 and counts["outlook"].sum() > 500
    row = counts.set_index("word")
    assert row.loc["打造", "outlook"] > row.loc["打造", "review"]  # the outlook promises to build
    assert row.loc["亿元", "outlook"] == 0  # and states no money amount
    assert "and" not in row.index and "武昌" not in row.index


# --- context checks -------------------------------------------------------------------------------------

PLAN = "——地区生产总值增长6.5%左右;——地方一般公共预算收入增长5%;——全社会固定资产投资计划完成380亿元以上"


def test_context_checks_judge_the_plan_not_the_prefaces_direction(tmp_path):
    ind = load_indicators()
    for revenue_growth, verdict in (("0.3", "missed (on an estimate)"), ("5.6", "met (on an estimate)"),
                                    ("4.8", "missed (on an estimate)"),  # 4.75–4.85, all below 5
                                    ("5", "too close to call at the printed precision (on an estimate)")):
        path = context_csv(tmp_path / "c.csv", [
            ("2024", "gdp", "2020", "亿元", "estimate", "预计全年地区生产总值完成2020亿元"),
            ("2024", "gp_budget_revenue", "137.5", "亿元", "estimate",
             f"预计全年地方一般公共预算收入完成137.5亿元,同比增长{revenue_growth}%。"),
            ("2024", "fai", "414", "亿元", "estimate", "预计全年固定资产投资完成414亿元以上"),
            *[("2024", key, value, unit, "target", PLAN, "", "2023-12") for key, value, unit in (
                ("gdp_growth_target", "6.5", "%"), ("gp_budget_revenue_growth_target", "5", "%"),
                ("fai_target", "380", "亿元"))],
        ])
        checks = {c.what.split(" ")[0].split(":")[0]: c for c in context_checks(ind, load_context(path))}
        assert checks["区域经济总量迈向"].verdict.startswith("no verdict")  # 迈向 is a description, never "reached"
        assert checks["地区生产总值增长目标"].verdict.startswith("cannot be judged")  # a level, no growth rate
        assert checks["地方一般公共预算收入增长目标"].verdict == verdict
        assert checks["全社会固定资产投资计划"].verdict == "met (on an estimate)"  # 414以上 against 380以上
        assert "at least" in checks["狠抓项目投资"].verdict  # 以上: a lower bound stays a lower bound


def test_page_titles_say_a_reconstruction_in_words(tmp_path):
    ind = load_indicators()
    path = tmp_path / "c.csv"
    context_csv(path, [("2024", "gdp", "2020", "亿元", "estimate", "预计全年地区生产总值完成2020亿元",
                        f"{RECONSTRUCTED} 政府工作报告"),
                       ("2024", "fai", "414", "亿元", "estimate", "预计全年固定资产投资完成414亿元以上",
                        "计划执行情况")])
    ctx = load_context(path)
    assert page_title(latest(ctx, "gdp", 2024)) == f"《政府工作报告》 {RECONSTRUCTED_SAYS}"
    assert page_title(latest(ctx, "fai", 2024)) == "《计划执行情况》"
    sources = [c.source for c in context_checks(ind, ctx)]
    assert not any(RECONSTRUCTED in s for s in sources) and RECONSTRUCTED_SAYS in sources[0]
    assert "page_title(" in notebook_code("07_commitments")
