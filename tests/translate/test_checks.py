"""The numbers check users run on translations: locale-aware, order-free, exact."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annot import check_numbers
from annot.translate import extract_numbers


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("up to 9,000 military personnel", ["9000"]),
        ("até 9.000 soldados", ["9000"]),
        ("jusqu'à 9 000 soldats", ["9000"]),
        ("до 9\u00a0000 военных", ["9000"]),
        ("bis zu 9\u202f000 Soldaten", ["9000"]),
        ("9'000 Soldaten", ["9000"]),
        ("1,5 millones", ["1.5"]),
        ("1.5 million", ["1.5"]),
        ("1.234,56 euros and 1,234.56 dollars", ["1234.56", "1234.56"]),
        ("2,000,000 people", ["2000000"]),
        ("Monday (10/17/2022)", ["10", "17", "2022"]),
        ("170 tanks, up to 200 vehicles and 100 mortars", ["170", "200", "100"]),
        ("In 2022, 19 attachés", ["2022", "19"]),
        ("no numbers here", []),
        ("COVID-19 and A4 paper", ["19"]),
    ],
)
def test_extract_numbers_reads_every_grouping(text: str, values: list[str]):
    assert extract_numbers(text) == [Decimal(v) for v in values]


def test_check_numbers_agrees_across_locales_and_order():
    check = check_numbers(
        "Russia will send some 170 tanks, up to 200 vehicles and up to 9,000 soldiers (10/17/2022).",
        "A Rússia enviará cerca de 170 tanques, até 9.000 soldados e até 200 veículos (17/10/2022).",
    )
    assert check.ok and check.describe() == "ok"


def test_check_numbers_reports_missing_and_added():
    check = check_numbers("up to 9,000 soldiers and 170 tanks", "hasta 900 soldados y 170 tanques")
    assert not check.ok
    assert check.missing == (Decimal(9000),) and check.added == (Decimal(900),)
    assert check.describe() == "missing 9000; added 900"


def test_check_numbers_counts_repeats():
    assert check_numbers("9 and 9", "9").missing == (Decimal(9),)


@given(st.integers(min_value=1000, max_value=10**9))
def test_grouped_integers_read_the_same_in_every_convention(n: int):
    english = f"{n:,}"
    for separator in (".", " ", "\u00a0", "\u202f", "'"):
        assert extract_numbers(english.replace(",", separator)) == [Decimal(n)]
    assert check_numbers(f"about {english} people", f"cerca de {english.replace(',', '.')} pessoas").ok
