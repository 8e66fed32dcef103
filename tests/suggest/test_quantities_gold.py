"""Quantity suggestions against hand-marked sentences in ten languages, and one rule at a time.

Floors measured on tests/data/suggest/quantities/*.jsonl (25 sentences per
language, written by annot's developers) and on heldout/*.jsonl (10 more per
language, written and marked after the noun-phrase rules were tuned), a guess
counting only when its span, value and qualifier all match (precision /
recall): 1.00/1.00 in every language on both sets (ru was 0.96/1.00 until a
calibre, "калибром 122 мм", was marked as the measurement it is). The held-out set scored exact F1
0.61-0.90 when first measured; the general failures it showed (group nouns,
ordinals "3.º", a day after a month in Slavic text) were then fixed, so it is
no longer unseen. Each floor is set just below the issue's target, F1 0.95.
unseen/*.jsonl (6 per language, other topics) scored exact F1 0.71-1.00 when
first measured; after the fixes it showed (a name ending in -s read as the
English head, a capital "Jusqu'à", "9° piano", "12 гектаров леса") 0.86-1.00,
and 1.00 in every language once "до 6,5%" after a verb of change read as the
value reached. unseen2/*.jsonl (8 per language in twelve languages, economy,
disasters, sport) scored exact F1 0.61-0.96 when first measured (pl 0.61, uk
0.64, cs and sk 0.70, ru 0.73, it and pt 0.75, sl 0.82, fr 0.83, en and es
0.87, de 0.96) and 1.00 in every language after the general fixes it showed
(scores, clock times, "desítky tisíc", "mil milhões", units of length).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annot.suggest import find_quantities

DATA = Path(__file__).resolve().parent.parent / "data" / "suggest" / "quantities"
FLOORS = {lang: (0.95, 0.95) for lang in ("cs", "de", "en", "es", "fr", "it", "pl", "pt", "ru", "uk")}


def _score(path: Path, lang: str) -> tuple[float, float]:
    tp = fp = fn = 0
    for line in path.read_text("utf-8").splitlines():
        item = json.loads(line)
        gold = {(q["start"], q["end"], q["value"], q["qualifier"]) for q in item["quantities"]}
        got = {(g.start, g.end, g.value, g.qualifier) for g in find_quantities(item["text"], lang)}
        tp, fp, fn = tp + len(gold & got), fp + len(got - gold), fn + len(gold - got)
    return tp / max(tp + fp, 1), tp / max(tp + fn, 1)


@pytest.mark.parametrize("lang", sorted(FLOORS))
def test_find_quantities_precision_and_recall_floors(lang):
    assert sum(1 for _ in (DATA / f"{lang}.jsonl").open(encoding="utf-8")) >= 25
    precision, recall = _score(DATA / f"{lang}.jsonl", lang)
    assert precision >= FLOORS[lang][0] and recall >= FLOORS[lang][1]


@pytest.mark.parametrize("lang", sorted(FLOORS))
@pytest.mark.parametrize(("folder", "size", "floor"), [("heldout", 10, 0.95), ("unseen", 6, 0.85)])
def test_find_quantities_heldout_floors(lang, folder, size, floor):
    path = DATA / folder / f"{lang}.jsonl"
    assert sum(1 for _ in path.open(encoding="utf-8")) >= size
    precision, recall = _score(path, lang)
    assert precision >= floor and recall >= floor


@pytest.mark.parametrize("lang", sorted([*FLOORS, "sk", "sl"]))
def test_find_quantities_unseen2_floors(lang):
    path = DATA / "unseen2" / f"{lang}.jsonl"
    assert sum(1 for _ in path.open(encoding="utf-8")) >= 8
    precision, recall = _score(path, lang)
    assert precision >= 0.95 and recall >= 0.95  # 1.00/1.00 measured in every language after the fixes


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
    ("не одна тысяча военных", "ru", "не одна тысяча военных", 1000, "more than"),
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
    # The counted thing is a noun phrase: it ends at its head, at a word that breaks agreement, at a name.
    ("500 soldiers crossed the river", "en", "500 soldiers", 500, "exact"),
    ("14 armoured personnel carriers arrived", "en", "14 armoured personnel carriers", 14, "exact"),
    ("1.5 million people live there", "en", "1.5 million people", 1_500_000, "exact"),
    ("20,000 litres of fuel", "en", "20,000 litres", 20000, "exact"),
    ("300 soldados rusos llegaron ayer", "es", "300 soldados rusos", 300, "exact"),
    ("300 soldats russes vivent là", "fr", "300 soldats russes", 300, "exact"),
    ("300 soldati russi vivono qui", "it", "300 soldati russi", 300, "exact"),
    ("30 grupos tácticos de batallón rusos están", "es", "30 grupos tácticos de batallón rusos", 30, "exact"),
    ("150 caminhões e tanques de combustível chegaram", "pt", "150 caminhões e tanques de combustível", 150, "exact"),
    ("3000 russische Soldaten kamen an", "de", "3000 russische Soldaten", 3000, "exact"),
    ("300 rosyjskich żołnierzy przybyło", "pl", "300 rosyjskich żołnierzy", 300, "exact"),
    ("z 600 poborowych", "pl", "600 poborowych", 600, "exact"),
    ("300 ruských vojáků přijelo", "cs", "300 ruských vojáků", 300, "exact"),
    ("30 тыс. российских военных находятся", "ru", "30 тыс. российских военных", 30000, "exact"),
    ("12 систем ППО прибули", "uk", "12 систем ППО", 12, "exact"),
    ("1,5 millones de personas viven", "es", "1,5 millones de personas", 1_500_000, "exact"),
    ("des milliers de personnes", "fr", "des milliers de personnes", 2000, "at least"),
    # Group nouns.
    ("two dozen helicopters", "en", "two dozen helicopters", 24, "exact"),
    ("двух десятков вертолетов", "ru", "двух десятков вертолетов", 20, "exact"),
    ("duas dezenas de helicópteros", "pt", "duas dezenas de helicópteros", 20, "exact"),
    ("une vingtaine d'hélicoptères", "fr", "une vingtaine d'hélicoptères", 20, "approximately"),
    ("una quindicina di giornalisti", "it", "una quindicina di giornalisti", 15, "approximately"),
    ("Дев'ять тисяч військових", "uk", "Дев'ять тисяч військових", 9000, "exact"),
    ("przerzuciła 2 marca 12 baterii", "pl", "12 baterii", 12, "exact"),
    # Second round, from the coverage texts and unseen2: one general rule per row.
    ("nad 100 żołnierzy", "pl", "nad 100 żołnierzy", 100, "more than"),  # "nad" (over) qualifies
    ("орудий калибра свыше 100 мм", "ru", "свыше 100 мм", 100, "more than"),  # a measurement, its label left out
    ("могут превысить 1,2 млрд руб. в год", "ru", "1,2 млрд руб.", 1_200_000_000, "more than"),  # exceed
    ("Инфляция замедлилась до 6,5%", "ru", "6,5%", 6.5, "exact"),  # a verb of change: the value reached
    ("Akcje spółki potaniały do 48,20 zł", "pl", "48,20 zł", 48.2, "exact"),
    ("3 тыс. рабочих мест до 2026 года", "ru", "3 тыс. рабочих мест", 3000, "exact"),  # a year labels nothing
    ("1,5 млрд рос. рублів на місяць", "uk", "1,5 млрд рос. рублів", 1_500_000_000, "exact"),  # abbreviations
    ("12 systemami obrony powietrznej", "pl", "12 systemami obrony powietrznej", 12, "exact"),  # genitive
    ("až 100 kusů dělostřelectva a minometů.", "cs", "až 100 kusů dělostřelectva a minometů", 100, "up to"),
    ("Požár zničil 12 hektarů lesa", "cs", "12 hektarů", 12, "exact"),  # a unit of measure ends it
    ("tři lidé přišli", "cs", "tři lidé", 3, "exact"),  # a past verb is no noun
    ("vyše 300 utrpelo zranenia", "sk", "vyše 300", 300, "more than"),
    (
        "19 zagranicznym attaché wojskowym akredytowanym w Mińsku",
        "pl",
        "19 zagranicznym attaché wojskowym",
        19,
        "exact",
    ),  # dative adjectives; a participle with its own complement stays out
    ("na štyroch cvičiskách", "sk", "štyroch cvičiskách", 4, "exact"),  # the sk, sl, ka tables
    ("na štirih vadiščih", "sl", "štirih vadiščih", 4, "exact"),
    ("takmer dvetisíc domov", "sk", "takmer dvetisíc domov", 2000, "approximately"),  # compounds
    ("desaťtisíce ľudí", "sk", "desaťtisíce ľudí", 20000, "at least"),
    ("več deset tisoč ljudi", "sl", "več deset tisoč ljudi", 20000, "at least"),
    ("desítky tisíc lidí", "cs", "desítky tisíc lidí", 20000, "at least"),  # a vague plural times a scale
    ("1,2 mil milhões de euros", "pt", "1,2 mil milhões de euros", 1_200_000_000, "exact"),  # scale x scale
    ("19 უცხოელ სამხედრო ატაშეს გააცნო", "ka", "19 უცხოელ სამხედრო ატაშეს", 19, "exact"),  # case ending
    ("ოთხ პოლიგონზე", "ka", "ოთხ პოლიგონზე", 4, "exact"),
    ("ათასობით სამხედროს", "ka", "ათასობით სამხედროს", 2000, "at least"),
    ("fino a 100 pezzi d'artiglieria e mortai", "it", "fino a 100 pezzi d'artiglieria e mortai", 100, "up to"),
    ("scendendo a 12,30 euro", "it", "12,30 euro", 12.3, "exact"),  # an invariable unit
    ("aprox. 9.000 efectivos", "es", "aprox. 9.000 efectivos", 9000, "approximately"),
    ("unos 1,5 millones de euros diarios", "es", "unos 1,5 millones de euros", 1_500_000, "approximately"),
    ("nearly two thousand homes and displaced", "en", "nearly two thousand homes", 2000, "approximately"),
    ("Between 20 and 25 centimetres of snow", "en", "Between 20 and 25 centimetres", 20, "range"),
    ("200 osób mówi o tym", "pl", "200 osób", 200, "exact"),  # a present verb is no genitive complement
    ("20 vojakov pride jutri", "sl", "20 vojakov", 20, "exact"),
    ("Весом до 10 тонн и длиной более 5 метров", "ru", "до 10 тонн", 10, "up to"),  # "длиной" labels the next
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
     ("17. oktobra", "sl"), ("MiG-29 i 5-й батальон", "ru"), ("17. brigáda", "cs"), ("Die 5. Brigade", "de"),
     ("3. Armia", "pl"), ("El 3.er ejército", "es"), ("O 3.º Exército", "pt"), ("3-тя армія", "uk"),
     ("Call 555-0199", "en"), ("à 10h30", "fr"), ("at 7 p.m.", "en"), ("wurden 1985 gebaut", "de"),
     ("hasta 2025", "es"), ("Liverpool beat Chelsea 3-1", "en"), ("alle 19.", "it"), ("um 19 Uhr", "de"),
     ("v 19 hodin", "cs"), ("o godz. 19.", "pl"), ("à 19h.", "fr"), ("ROMA, 17 ott", "it"), ("ob 19. uri", "sl"),
     ("The match ended 2-2", "en"), ("Il a gagné 6-4, 6-3.", "fr")],
)  # fmt: skip
def test_find_quantities_skips_dates_and_ordinals(text, lang):
    assert find_quantities(text, lang) == []


def test_a_labelled_measurement_is_its_own_quantity():
    text = "до 100 орудий и минометов калибра свыше 100 мм."
    found = [(text[g.start : g.end], g.unit, g.qualifier) for g in find_quantities(text, "ru")]
    assert found == [("до 100 орудий и минометов", "орудий и минометов", "up to"), ("свыше 100 мм", "мм", "more than")]


def test_to_after_a_verb_of_change_is_the_value_reached():
    text = "Акции компании подешевели на 4,5% до 120 рублей."
    found = [(text[g.start : g.end], g.qualifier) for g in find_quantities(text, "ru")]
    assert found == [("4,5%", "exact"), ("120 рублей", "exact")]


def test_a_number_word_after_and_is_a_new_quantity():
    text = "170 tanků a stovku děl"
    found = [(text[g.start : g.end], g.value) for g in find_quantities(text, "cs")]
    assert found == [("170 tanků", 170), ("stovku děl", 100)]


def test_unknown_language_reads_digits_and_no_english_words():
    assert [g.value for g in find_quantities("some 200 tanks and nine soldiers", "xx")] == [200]
