"""The quantity parser: numerals, magnitudes, units and the qualifiers that make a number a bound."""

from __future__ import annotations

import pytest

from analysis.report.quantities import (
    QuantityError,
    find_quantities,
    format_qualifier,
    parse_qualifier,
    parse_quantity,
)

# quote -> (value in base units, base unit, unit as written, qualifier, phrase as a reader should see it)
CASES = [
    # Arabic digits and decimals
    ("增长11%", 11, "percent", "%", "exact", "11%"),
    ("入库612家", 612, "count", "家", "exact", "612家"),
    ("增幅6.5%左右", 6.5, "percent", "%", "approx", "6.5%左右"),
    ("成交4.3亿吨", 4.3e8, "tonnes", "亿吨", "exact", "4.3亿吨"),
    # magnitudes 万 / 亿 / 万亿
    ("3.1万个", 31_000, "count", "万个", "exact", "3.1万个"),
    ("社零额760亿元", 7.6e10, "yuan", "亿元", "exact", "760亿元"),
    ("超2.2万亿元", 2.2e12, "yuan", "万亿元", "over", "超2.2万亿元"),
    # Chinese numerals
    ("六大更新单元", 6, None, None, "exact", "六"),
    ("两大主攻方向", 2, None, None, "exact", "两"),
    ("十项举措", 10, "count", "项", "exact", "十项"),
    ("四个行动", 4, "count", "个", "exact", "四个"),
    ("一百二十人", 120, "persons", "人", "exact", "一百二十人"),
    # ranks
    ("攀升至第42位", 42, "rank", "位", "exact", "第42位"),
    ("第25名", 25, "rank", "名", "exact", "第25名"),
    ("中心城区第一", 1, "rank", None, "exact", "第一"),
    ("居武汉市首位", 1, "rank", "位", "exact", "首位"),
    ("景点亚军", 2, "rank", "位", "exact", "亚军"),
    # words that are quantities
    ("同比实现翻番", 2, "multiple", "倍", "at_least", "翻番"),  # at least doubled: a floor
    ("为去年的1.5倍", 1.5, "multiple", "倍", "exact", "1.5倍"),
    ("进度过半", 50, "percent", "%", "over", "过半"),
    # classes and their floors
    ("稳定在Ⅱ类", 2, "class", "类", "exact", "Ⅱ类"),
    ("保持在Ⅱ类以上", 2, "class", "类", "at_least", "Ⅱ类以上"),
    ("稳定在Ⅲ类以上", 3, "class", "类", "at_least", "Ⅲ类以上"),
    # qualifiers
    ("200余家", 200, "count", "家", "over", "200余家"),
    ("20多个", 20, "count", "个", "over", "20多个"),
    ("超过300家", 300, "count", "家", "over", "超过300家"),
    ("突破1900亿元", 1.9e11, "yuan", "亿元", "over", "突破1900亿元"),
    ("42个亿元以上项目", 42, "count", "个", "exact", "42个"),
    ("近470亿元", 4.7e10, "yuan", "亿元", "near", "近470亿元"),
    ("近3万家", 30_000, "count", "万家", "near", "近3万家"),
    ("约50亿元", 5e9, "yuan", "亿元", "approx", "约50亿元"),
    ("增长8%左右", 8, "percent", "%", "approx", "8%左右"),
    ("预计突破1900亿元", 1.9e11, "yuan", "亿元", "expected+over", "突破1900亿元"),
    ("预计增长6.5%左右", 6.5, "percent", "%", "expected+approx", "6.5%左右"),
    ("预计收入137亿元", 1.37e10, "yuan", "亿元", "expected", "137亿元"),
    # units in base units
    ("2.9平方公里", 2.9e6, "m2", "平方公里", "exact", "2.9平方公里"),
    ("超100万平方米", 1e6, "m2", "万平方米", "over", "超100万平方米"),
    ("8.2公顷", 82_000, "m2", "公顷", "exact", "8.2公顷"),
    ("绿道5公里", 5_000, "m", "公里", "exact", "5公里"),
    ("4500万人次", 4.5e7, "person_times", "万人次", "exact", "4500万人次"),
    ("就业3万人", 30_000, "persons", "万人", "exact", "3万人"),
    ("1.5亿吨", 1.5e8, "tonnes", "亿吨", "exact", "1.5亿吨"),
    ("建城1800年", 1800, "years", "年", "exact", "1800年"),
    # a number without a unit word keeps its magnitude
    ("扩面2.4万", 24_000, None, "万", "exact", "2.4万"),
]


@pytest.mark.parametrize(("text", "value", "unit", "unit_zh", "qualifier", "phrase"), CASES)
def test_quantity(text, value, unit, unit_zh, qualifier, phrase):
    q = parse_quantity(text)
    assert q.value == pytest.approx(value, rel=1e-12)
    assert (q.unit, q.unit_zh, q.qualifier, q.phrase) == (unit, unit_zh, qualifier, phrase)


@pytest.mark.parametrize(
    "text",
    ["百强榜", "千年古城", "百亿级项目", "社零额", "武昌区"],
)
def test_scale_words_and_plain_text_hold_no_quantity(text):
    assert find_quantities(text) == []


def test_no_quantity_is_an_error():
    with pytest.raises(QuantityError) as err:
        parse_quantity("武昌区")
    assert str(err.value) == "no quantity found in '武昌区'"


def test_several_quantities_are_an_error_listing_them():
    with pytest.raises(QuantityError) as err:
        parse_quantity("入库612家,为去年的1.5倍")
    assert str(err.value) == (
        "'入库612家,为去年的1.5倍' holds 2 quantities ('612家', '1.5倍'); a quote must hold exactly one"
    )


def test_find_quantities_in_reading_order():
    found = find_quantities("预计全年地区生产总值突破1900亿元,增幅6.5%左右,连续4年领跑全省")
    assert [q.text for q in found] == ["1900亿元", "6.5%", "4年"]
    assert [q.qualifier for q in found] == ["expected+over", "expected+approx", "expected"]
    assert found[0].start == 12


@pytest.mark.parametrize(
    ("text", "qualifiers"),
    [
        ("exact", frozenset()),
        ("over", {"over"}),
        ("expected+over", {"expected", "over"}),
        ("expected + approx", {"expected", "approx"}),
        ("at_least", {"at_least"}),
    ],
)
def test_parse_qualifier(text, qualifiers):
    assert parse_qualifier(text) == qualifiers


@pytest.mark.parametrize("text", ["about", "", "over+maybe", "Over"])
def test_unknown_qualifier_is_an_error_listing_the_accepted(text):
    with pytest.raises(QuantityError) as err:
        parse_qualifier(text)
    assert str(err.value) == (
        f"unknown qualifier {text!r}; expected one of exact, approx, over, near, expected, at_least joined by '+'"
    )


def test_format_qualifier_is_canonical():
    assert format_qualifier({"over", "expected"}) == "expected+over"
    assert format_qualifier(set()) == "exact"
    assert format_qualifier(parse_qualifier("approx+expected")) == "expected+approx"
