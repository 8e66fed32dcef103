"""Stance from cue words: the prefill (evidence, holder) and the suggester (a STANCE per attributed statement)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import annot.suggest
from annot.errors import SchemaError
from annot.schema import load_schema
from annot.segment import split
from annot.suggest import ActorRef, StanceSuggester, Statement, Suggester, find_statements, suggest_stance

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
GOLD = ROOT / "tests" / "data" / "suggest" / "stance"


def _actor(text: str, name: str, span_id: str | None = None) -> ActorRef:
    start = text.index(name)
    return ActorRef(span_id or name, start, start + len(name))


SEED_FIRST = ("The deployment of up to 9,000 military personnel is for “purely defensive” purposes and for "
              "exercises, says Minsk.")  # fmt: skip


def test_reporting_verb_gives_reported_and_nearest_actor():
    guess = suggest_stance(SEED_FIRST, "en", [_actor(SEED_FIRST, "Minsk")])
    assert (guess.evidence, guess.holder_span, guess.cue) == ("reported", "Minsk", "says")


def test_holder_is_the_actor_nearest_to_the_cue():
    text = "Russia will send some 170 tanks, the Belarusian Defense Ministry reported Monday."
    guess = suggest_stance(text, "en", [_actor(text, "Russia"), _actor(text, "Belarusian Defense Ministry")])
    assert (guess.evidence, guess.holder_span) == ("reported", "Belarusian Defense Ministry")


@pytest.mark.parametrize(
    ("text", "lang", "evidence"),
    [
        ("The army allegedly shelled the town.", "en", "alleged"),
        ("El ejército supuestamente bombardeó la ciudad, dijo el ministro.", "es", "alleged"),  # hedge wins
        ("Según Minsk, el despliegue es defensivo.", "es", "reported"),
        ("O ministério afirmou que os tanques chegaram.", "pt", "reported"),
        ("Минобороны заявило, что войска прибыли.", "ru", "reported"),  # the neuter past tense is listed
        ("Армия якобы обстреляла город.", "ru", "alleged"),
        ("Laut Minsk ist der Einsatz defensiv.", "de", "reported"),
        ("“We will not allow any attack on our land,” Lukashenko said.", "en", "quoted"),
        ("“Purely defensive,” Lukashenko said.", "en", "reported"),  # too short a quotation to be a quote
        ("The tanks arrived on Monday.", "en", None),
        ("Die Panzer kamen am Montag an.", "xx", None),  # no cue list for the language
    ],
)
def test_evidence_cues_per_language(text: str, lang: str, evidence: str | None):
    assert suggest_stance(text, lang).evidence == evidence


def test_single_actor_without_cue_is_the_holder_and_none_without_actors():
    text = "Belarus denies it."
    assert suggest_stance(text, "en", [_actor(text, "Belarus")]).holder_span == "Belarus"
    assert suggest_stance(text, "en").holder_span is None
    two = "Belarus and Russia deny it."
    assert suggest_stance(two, "en", [_actor(two, "Belarus"), _actor(two, "Russia")]).holder_span is None


def test_cue_matches_whole_words_only():
    assert suggest_stance("The sayings of old.", "en").evidence is None  # "says" inside "sayings"? no
    assert suggest_stance("According  to\nMinsk, it is defensive.", "en").evidence == "reported"


# -- the suggester ------------------------------------------------------------


def _refs(text: str, names: list[str]) -> list[ActorRef]:
    return [_actor(text, name) for name in names]


def _holder_text(text: str, statement: Statement) -> str | None:
    return text[statement.holder_start : statement.holder_end] if statement.holder_start >= 0 else None


@pytest.mark.parametrize(
    ("lang", "text", "actors", "evidence", "holder"),
    [
        ("en", "Russia will send 170 tanks, the Belarusian Defense Ministry said.",
         ["Russia", "Belarusian Defense Ministry"], "reported", "Belarusian Defense Ministry"),  # subject before
        ("en", "The deployment is defensive, says Minsk.", ["Minsk"], "reported", "Minsk"),  # verb first: after
        ("en", "According to Minsk, the deployment is defensive.", ["Minsk"], "reported", "Minsk"),
        ("es", "Según el Ministerio de Defensa, Rusia enviará 170 tanques.", ["Ministerio de Defensa", "Rusia"],
         "reported", "Ministerio de Defensa"),
        ("es", "Rusia enviará tanques, dijo Lukashenko.", ["Rusia", "Lukashenko"], "reported", "Lukashenko"),
        ("es", "Rusia presuntamente prepara un ataque.", ["Rusia"], "alleged", None),  # a hedge has no holder
        ("es", "Rusia enviará tanques a Bielorrusia, que limita con Ucrania, informó el lunes (17/10) el Ministerio.",
         ["Rusia", "Bielorrusia", "Ucrania", "Ministerio"], "reported", "Ministerio"),  # inverted, past a date
        ("es", "El presidente, Lukashenko, anunció que había acordado con el ruso Putin la agrupación.",
         ["Lukashenko", "Putin"], "reported", "Lukashenko"),  # "que" opens what was said: the subject is before
        ("es", "Bielorrusia asegura que Ucrania prepara un ataque, aunque no hay pruebas, y sostiene que Polonia ataca",
         ["Bielorrusia", "Ucrania", "Polonia"], "reported", "Bielorrusia"),  # "y sostiene": the same voice goes on
        ("pt", "De acordo com o Kremlin, as tropas chegaram.", ["Kremlin"], "reported", "Kremlin"),
        ("pt", "A Rússia alegou que a Ucrânia prepara um ataque.", ["Rússia", "Ucrânia"], "alleged", "Rússia"),
        ("fr", "Selon Moscou, les troupes sont arrivées.", ["Moscou"], "reported", "Moscou"),
        ("fr", "Les troupes sont arrivées, a déclaré Loukachenko.", ["Loukachenko"], "reported", "Loukachenko"),
        ("fr", "D’après Minsk, le déploiement est défensif.", ["Minsk"], "reported", "Minsk"),  # ’ for '
        ("fr", "Le président biélorusse, Alexandre Loukachenko, a annoncé un groupement avec Vladimir Poutine.",
         ["Alexandre Loukachenko", "Vladimir Poutine"], "reported", "Alexandre Loukachenko"),  # an apposition
        ("de", "Laut Minsk ist der Einsatz defensiv.", ["Minsk"], "reported", "Minsk"),
        ("de", "Dem Ministerium zufolge ist der Einsatz defensiv.", ["Ministerium"], "reported", "Ministerium"),
        ("de", "Russland behauptete, die Ukraine plane einen Angriff.", ["Russland", "Ukraine"], "alleged",
         "Russland"),
        ("it", "Secondo il Cremlino, le truppe sono arrivate.", ["Cremlino"], "reported", "Cremlino"),
        ("it", "Le truppe sono arrivate, ha dichiarato Lukashenko.", ["Lukashenko"], "reported", "Lukashenko"),
        ("it", "Il secondo treno è arrivato a Minsk.", ["Minsk"], None, None),  # an ordinal, not "according to"
        ("ru", "Минобороны заявило, что войска прибыли.", ["Минобороны"], "reported", "Минобороны"),
        ("ru", "Войска прибыли, заявила Захарова.", ["Захарова"], "reported", "Захарова"),
        ("ru", "По словам Лукашенко, учения носят оборонительный характер.", ["Лукашенко"], "reported",
         "Лукашенко"),
        ("ru", "Как сообщили в Минобороны, войска прибыли.", ["Минобороны"], "reported", "Минобороны"),
        ("uk", "За словами Зеленського, атака неминуча.", ["Зеленського"], "reported", "Зеленського"),
        ("uk", "Міністерство заявило, що війська прибули.", ["Міністерство"], "reported", "Міністерство"),
        ("uk", "Росія нібито готує напад.", ["Росія"], "alleged", None),
        ("pl", "Według Mińska rozmieszczenie ma charakter obronny.", ["Mińska"], "reported", "Mińska"),
        ("pl", "Rzeczniczka MON powiedziała, że wojska przybyły.", ["Rzeczniczka MON"], "reported",
         "Rzeczniczka MON"),  # feminine past tense
        ("pl", "Rosja rzekomo przygotowuje atak.", ["Rosja"], "alleged", None),
        ("cs", "Podle Minsku jde o obranné nasazení.", ["Minsku"], "reported", "Minsku"),
        ("cs", "Mluvčí ministerstva uvedla, že vojáci dorazili.", ["Mluvčí ministerstva"], "reported",
         "Mluvčí ministerstva"),
        ("cs", "Rusko tvrdí, že Ukrajina chystá útok.", ["Rusko", "Ukrajina"], "alleged", "Rusko"),
        ("sk", "Hovorca ministerstva uviedol, že vojaci prišli.", ["Hovorca ministerstva"], "reported",
         "Hovorca ministerstva"),
        ("sk", "Podľa Minska ide o obranné rozmiestnenie.", ["Minska"], "reported", "Minska"),
        ("sl", "Revenko je v ponedeljek dejal, da so vojaki prispeli.", ["Revenko"], "reported", "Revenko"),
        ("sl", "Po besedah Lukašenka gre za obrambne vaje.", ["Lukašenka"], "reported", "Lukašenka"),
        ("ka", "რევენკომ განაცხადა, რომ ჯარისკაცები ჩამოვიდნენ.", ["რევენკომ"], "reported", "რევენკომ"),
        ("ka", "ლუკაშენკოს თქმით, წვრთნები თავდაცვითია.", ["ლუკაშენკოს"], "reported", "ლუკაშენკოს"),  # after its holder
        ("ka", "რუსეთი ვითომ თავდასხმას ამზადებს.", ["რუსეთი"], "alleged", None),
    ],
)  # fmt: skip
def test_find_statements_cue_and_holder_side_per_language(lang, text, actors, evidence, holder):
    found = find_statements(text, lang, _refs(text, actors))
    if evidence is None:
        assert found == []
        return
    (statement,) = found
    assert (statement.start, statement.end) == (0, len(text))  # the whole sentence, as the session makes a STANCE
    assert (statement.evidence, _holder_text(text, statement)) == (evidence, holder)


def test_find_statements_two_statements_split_at_the_clause_break():
    text = "Lukashenko said the drills are defensive, while Kyiv said they are a threat."
    first, second = find_statements(text, "en", _refs(text, ["Lukashenko", "Kyiv"]))
    assert text[first.start : first.end] == "Lukashenko said the drills are defensive,"
    assert text[second.start : second.end] == "while Kyiv said they are a threat."
    assert (first.holder, second.holder) == ("Lukashenko", "Kyiv")
    # "X, according to Y; Z, W said": each statement keeps the content before its cue.
    text = "The tanks arrived, according to Minsk; the planes came later, Moscow said."
    first, second = find_statements(text, "en", _refs(text, ["Minsk", "Moscow"]))
    assert text[first.end - 1] == ";" and text[second.start :].startswith("the planes")


@pytest.mark.parametrize(
    ("text", "actors", "count", "holder"),
    [
        ("Lukashenko said the drills are defensive and added that no attack is planned.", ["Lukashenko"], 1,
         "Lukashenko"),  # one voice goes on: one statement
        ("He said the drills are defensive.", [], 1, None),  # a pronoun: no holder
        ("“Russia will never attack anyone,” he said.", ["Russia"], 1, None),  # never an actor inside the quote
        ("The arrival was confirmed by the Defense Ministry.", ["Defense Ministry"], 1, "Defense Ministry"),
        ("The arrival of troops from Moscow was confirmed.", ["Moscow"], 1, None),  # passive: no subject holder
        ("It agreed to the creation of said regional grouping.", [], 0, None),  # "of said" is no cue
        ("“We are ready for any development of events”, argued Revenko.", [], 1, "Revenko"),  # a name as text
    ],
)  # fmt: skip
def test_find_statements_holder_rules(text, actors, count, holder):
    found = find_statements(text, "en", _refs(text, actors))
    assert len(found) == count
    if found:
        assert _holder_text(text, found[0]) == holder


def test_stance_function_returns_suggestions_with_attrs_and_confidence():
    text = "According to the Belarusian Defense Ministry, the exercises are defensive, says Minsk."
    found = annot.suggest.stance(text, lang="en")  # no actors given: the actor suggester finds them
    assert [s.label for s in found] == ["STANCE"] * 2
    first, second = found
    assert (first.suggester, first.version, first.annotator) == ("stance", "1", "suggest:stance.v1")
    assert dict(first.attrs) == {"evidence": "reported", "holder": "Ministry of Defence of Belarus"}
    assert first.confidence == 0.9 and second.confidence == 0.8
    assert dict(second.attrs) == {"evidence": "reported", "holder": "Belarus"}  # Minsk, by its canonical name
    assert all(text[s.start : s.end] == s.text for s in found) and (first.start, second.end) == (0, len(text))
    refs = [ActorRef("s1", 17, 44, "Ministry of Defence of Belarus")]
    (only,) = annot.suggest.stance(text[:74], lang="en", actors=refs)
    assert dict(only.attrs)["holder_span"] == "s1"


def test_stance_suggester_is_registered_and_follows_the_protocol():
    found = annot.suggest.get_suggester("stance")
    assert isinstance(found, StanceSuggester) and isinstance(found, Suggester)
    assert (found.name, found.version, found.labels) == ("stance", "1", ("STANCE",))


# -- cue lists in the schema ----------------------------------------------------


def test_schema_has_cue_lists_for_ten_languages():
    schema = load_schema()
    for lang in ("en", "es", "pt", "fr", "de", "it", "ru", "uk", "pl", "cs"):
        cues = schema.stance_cues(lang)
        assert cues.reported and cues.according and cues.alleged and cues.claimed, lang
    assert {"заявил", "заявила", "заявило", "заявили"} <= set(schema.stance_cues("ru").reported)
    assert "za słowami" not in schema.stance_cues("pl").according and "według" in schema.stance_cues("pl").according
    assert schema.stance_cues("xx").reported == ()


def test_project_file_extends_and_removes_cues(tmp_path: Path):
    path = tmp_path / "annot.toml"
    path.write_text(
        '[stance_cues.reported]\nen = ["Hinted", "-says"]\nxx = ["dixit"]\n[stance_cues.alleged]\nen = ["rumoured"]\n',
        "utf-8",
    )
    schema = load_schema(path)
    cues = schema.stance_cues("en")
    assert "hinted" in cues.reported and "says" not in cues.reported and "said" in cues.reported
    assert "rumoured" in cues.alleged and "allegedly" in cues.alleged
    assert schema.labels["STANCE"].attributes == load_schema().labels["STANCE"].attributes  # labels untouched
    text = "Minsk hinted that the drills are defensive."
    assert [s.attrs["evidence"] for s in annot.suggest.stance(text, "en", cues=cues)] == ["reported"]
    assert annot.suggest.stance("Drills are defensive, says Minsk.", "en", cues=cues) == []
    assert annot.suggest.stance("Minsk dixit.", "xx", cues=schema.stance_cues("xx"))[0].attrs["holder"] == "Belarus"


@pytest.mark.parametrize(
    ("toml", "needle"),
    [
        ("stance_cues = 3", "must be a table of [stance_cues.KIND] tables"),
        ('[stance_cues.reportd]\nen = ["x"]', "stance_cues.reportd is not a cue kind; valid kinds: reported"),
        ('[stance_cues.reported]\nen = "said"', "stance_cues.reported.en must be a list of non-empty strings"),
        ('[stance_cues.reported]\nen = ["said", ""]', "stance_cues.reported.en must be a list"),
        ("[stance_cues]\nreported = 1", "stance_cues.reported must be a table of language"),
    ],
)
def test_malformed_cue_table_is_one_line_schema_error(tmp_path: Path, toml: str, needle: str):
    path = tmp_path / "annot.toml"
    path.write_text(toml + "\n", "utf-8")
    with pytest.raises(SchemaError, match=None) as caught:
        load_schema(path)
    message = str(caught.value)
    assert needle in message and "\n" not in message and str(path) in message


# -- the seed article -------------------------------------------------------------


def _gold(lang: str) -> list[dict]:
    return [json.loads(line) for line in (GOLD / f"seed.{lang}.jsonl").read_text("utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize(
    ("lang", "article", "named"),
    [("en", "belarus-russian-grouping-2022-10-17.en.txt", 11), ("es", "belarus-agrupacion-rusa-2022-10-17.es.txt", 10)],
)
def test_seed_every_attributed_statement_gets_a_stance_with_its_holder(lang: str, article: str, named: int):
    text = (CORPUS / article).read_text("utf-8")
    sentences = [(s, e) for s, e, _ in split(text, lang)]
    found = {(s, e): find_statements(text[s:e], lang) for s, e in sentences}
    gold = _gold(lang)
    for item in gold:
        at = text.index(item["context"])
        start, end = next((s, e) for s, e in sentences if s <= at < e)
        statement = next(x for x in found[(start, end)] if x.start <= at - start < x.end)
        holder = _holder_text(text[start:end], statement)
        assert statement.evidence == item["evidence"], item
        if item["holder"] is None:
            assert holder is None, item
        else:
            assert holder and (holder in item["holder"] or item["holder"] in holder), (item, holder)
    assert sum(len(v) for v in found.values()) == len(gold)  # nothing suggested beyond the marked statements
    assert sum(item["holder"] is not None for item in gold) == named


_PIECES = ["Minsk", "says", "said", "according to", "allegedly", "was", "confirmed", ",", ";", " ", "“", "”",
           "the ministry", "he", "Lukashenko", "that", "troops", ".", "заявила", "по словам", "—"]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30), st.sampled_from(["en", "ru"]))
def test_find_statements_offsets_tile_the_text_in_order(pieces: list[str], lang: str):
    text = " ".join(pieces)
    found = find_statements(text, lang, [])
    assert all(0 <= s.start < s.end <= len(text) for s in found)
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))
    if found:
        assert found[0].start == 0 and not text[found[-1].end :].strip()
        assert all(0 < s.confidence <= 1 and s.evidence in ("reported", "alleged", "quoted") for s in found)
        for s in found:
            assert s.holder_start < 0 or text[s.holder_start : s.holder_end] == s.holder
