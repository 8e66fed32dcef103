"""Quantity suggestions against hand-marked sentences in ten languages, and one rule at a time.

Floors measured on tests/data/suggest/quantities/*.jsonl (25 sentences per
language, written by annot's developers), a guess counting only when its span,
value and qualifier all match (precision / recall):
en 0.65/0.85, es 0.64/0.76, pt 0.54/0.67, fr 0.56/0.71, de 0.55/0.76,
it 0.62/0.73, ru 0.72/0.91, uk 0.75/0.91, pl 0.67/0.82, cs 0.67/0.82.
Each floor is set just below; the issue's target (F1 >= 0.95) is not met yet.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annot.suggest import find_quantities

DATA = Path(__file__).resolve().parent.parent / "data" / "suggest" / "quantities"
FLOORS = {
    "en": (0.63, 0.83), "es": (0.62, 0.74), "pt": (0.52, 0.65), "fr": (0.54, 0.69), "de": (0.53, 0.74),
    "it": (0.60, 0.71), "ru": (0.70, 0.89), "uk": (0.73, 0.89), "pl": (0.65, 0.80), "cs": (0.65, 0.80),
}  # fmt: skip


def _score(lang: str) -> tuple[float, float]:
    tp = fp = fn = 0
    for line in (DATA / f"{lang}.jsonl").read_text("utf-8").splitlines():
        item = json.loads(line)
        gold = {(q["start"], q["end"], q["value"], q["qualifier"]) for q in item["quantities"]}
        got = {(g.start, g.end, g.value, g.qualifier) for g in find_quantities(item["text"], lang)}
        tp, fp, fn = tp + len(gold & got), fp + len(got - gold), fn + len(gold - got)
    return tp / max(tp + fp, 1), tp / max(tp + fn, 1)


@pytest.mark.parametrize("lang", sorted(FLOORS))
def test_find_quantities_precision_and_recall_floors(lang):
    assert sum(1 for _ in (DATA / f"{lang}.jsonl").open(encoding="utf-8")) >= 25
    precision, recall = _score(lang)
    assert (precision, recall) >= FLOORS[lang] and precision >= FLOORS[lang][0]


# text, lang, phrase, value, qualifier: one rule per row, in several languages.
RULES = [
    ("9 mila soldati", "it", "9 mila soldati", 9000, "exact"),
    ("9 тисяч військових", "uk", "9 тисяч військових", 9000, "exact"),
    ("9 тис. військових", "uk", "9 тис. військових", 9000, "exact"),
    ("70 tisíc vojáků", "cs", "70 tisíc vojáků", 70000, "exact"),
    ("9 tys. żołnierzy", "pl", "9 tys. żołnierzy", 9000, "exact"),
    ("1,5 млн человек", "ru", "1,5 млн человек", 1_500_000, "exact"),
    ("fino a 200 carri armati", "it", "fino a 200 carri armati", 200, "up to"),
    ("un massimo di 200 uomini", "it", "un massimo di 200 uomini", 200, "up to"),
    ("oltre 300 uomini", "it", "oltre 300 uomini", 300, "more than"),
    ("понад 200 танків", "uk", "понад 200 танків", 200, "more than"),
    ("майже 50 літаків", "uk", "майже 50 літаків", 50, "approximately"),
    ("свыше 50 самолетов", "ru", "свыше 50 самолетов", 50, "more than"),
    ("až 300 vojáků", "cs", "až 300 vojáků", 300, "up to"),
    ("přibližně 20 tanků", "cs", "přibližně 20 tanků", 20, "approximately"),
    ("ok. 200 żołnierzy", "pl", "ok. 200 żołnierzy", 200, "approximately"),
    ("ponad 200 żołnierzy", "pl", "ponad 200 żołnierzy", 200, "more than"),
    ("več kot 20 tankov", "sl", "več kot 20 tankov", 20, "more than"),
    ("vyše 300 vojakov", "sk", "vyše 300 vojakov", 300, "more than"),
    ("200-მდე სამხედრო", "ka", "200-მდე სამხედრო", 200, "up to"),
    ("cien soldados", "es", "cien soldados", 100, "exact"),
    ("cem soldados", "pt", "cem soldados", 100, "exact"),
    ("quattro carri", "it", "quattro carri", 4, "exact"),
    ("novemila soldati", "it", "novemila soldati", 9000, "exact"),
    ("четырех самолетов", "ru", "четырех самолетов", 4, "exact"),
    ("девяти тысячами военных", "ru", "девяти тысячами военных", 9000, "exact"),
    ("не одна тысяча военных", "ru", "не одна тысяча военных", 2000, "at least"),
    ("stovky vojáků", "cs", "stovky vojáků", 200, "at least"),
    ("tisícovka tanků", "cs", "tisícovka tanků", 1000, "exact"),
    ("hundert Soldaten", "de", "hundert Soldaten", 100, "exact"),
    ("zweihundertfünfzig Panzer", "de", "zweihundertfünfzig Panzer", 250, "exact"),
    ("deux cent cinquante chars", "fr", "deux cent cinquante chars", 250, "exact"),
    ("100 carri armati e altri mezzi", "it", "100 carri armati", 100, "exact"),
    ("200 veicoli blindati alla Bielorussia", "it", "200 veicoli blindati", 200, "exact"),
    ("100 орудий и минометов калибром 122 мм", "ru", "100 орудий и минометов", 100, "exact"),
    ("9,000 troops remained", "en", "9,000 troops", 9000, "exact"),
    ("hasta 200 vehículos blindados de combate", "es", "hasta 200 vehículos blindados de combate", 200, "up to"),
    ("unos “hasta 9.000” efectivos", "es", "“hasta 9.000” efectivos", 9000, "up to"),
]


@pytest.mark.parametrize(("text", "lang", "phrase", "value", "qualifier"), RULES)
def test_find_quantities_rule(text, lang, phrase, value, qualifier):
    found = [(text[g.start : g.end], g.value, g.qualifier) for g in find_quantities(text, lang)]
    assert found[:1] == [(phrase, value, qualifier)]


def test_two_quantities_are_two():
    text = "200 ББМ і близько ста гармат"
    found = [(text[g.start : g.end], g.value, g.qualifier) for g in find_quantities(text, "uk")]
    assert found == [("200 ББМ", 200, "exact"), ("близько ста гармат", 100, "approximately")]


@pytest.mark.parametrize(
    ("text", "lang"),
    [("16 ottobre", "it"), ("4 жовтня", "uk"), ("10 października", "pl"), ("16. októbra", "sk"),
     ("17 октября", "ru"), ("17. října", "cs"), ("17 de octubre", "es"), ("17 ოქტომბერს", "ka"),
     ("17. oktobra", "sl"), ("MiG-29 i 5-й батальон", "ru"), ("17. brigáda", "cs")],
)  # fmt: skip
def test_find_quantities_skips_dates_and_ordinals(text, lang):
    assert find_quantities(text, lang) == []


def test_unknown_language_reads_digits_and_no_english_words():
    assert [g.value for g in find_quantities("some 200 tanks and nine soldiers", "xx")] == [200]
