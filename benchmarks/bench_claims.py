"""The claims ledger at scale: ``annot.claims(store)`` over 10,000 documents and 100,000 QUANTITY spans, and 2x.

The store (``build_corpus``): 10,000 synthetic news articles (200 with
``--quick``), and 20,000 (400) for the growth ratio, in en, ru, uk, es and pt,
each of 12 sentences written from templates in its language: 10 QUANTITY claims
(value, qualifier, unit: counted nouns of each language, ``things.toml``'s and a
few it does not list; some ranges), 3 ACTORs (canonical names from a pool of 45
states, people and bodies, written in the article's language; a fifth without
``canonical``) and 2 STANCEs holding claims (``holder_span`` / ``target_span``;
reported, quoted or alleged), plus an English translation of every sentence of
the non-English articles (what the MT pane stores; the ledger reads one for the
gloss of a counted word ``things.toml`` does not list). Articles tell ~25-article stories: published within 3
days (over 4 months per 10,000 articles, so the density stays the same at 2x),
naming 3 of the story's 4 actors, each claim counting one of the story's things
with its value, or a rounder one, a dropped qualifier, a range, another number:
groups and every kind of discrepancy occur. Outlets (a pool of 50), authors and
URLs are set when ``Document`` has those fields. Everything goes in through the
public bulk API, in one ``Store.transaction()``: ``add_document`` per article,
one ``add_spans`` (ACTORs first, so STANCEs can name them) and one
``add_translations``.

Measured, each in a fresh process (peak RSS is the child's VmHWM,
``_common.peak_rss_mb``, not tracemalloc: it counts SQLite and numpy too):
``annot.claims(store)`` cold (first call in the process: lazy imports,
pymorphy3, CLDR names) and warm (a second call on the same ``Store``); the
baseline ``store.spans(flatten=True)`` (the frame the ledger starts from)
cold and warm, and ``pd.read_sql_query("SELECT * FROM spans")``. Printed: times,
the ledger's time as a multiple of the baseline's, peak RSS and its growth
during the call, the growth ratio 2x/1x (linear = 2.0), and the issue's targets
(< 5 s, peak RSS < 1 GB at 10k/100k). Nothing is asserted.

Run: ``.venv/bin/python benchmarks/bench_claims.py [--quick] [--workdir DIR]``
"""

from __future__ import annotations

import random
import shutil
import time
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import _common as C

TARGET_S = 5.0
TARGET_RSS_MB = 1024.0
SENTENCES = 12  # per article: 10 claims (2 of them held by a stance), 2 without spans
CLAIMS_PER_DOC = 10
STORY_SIZE = 25  # articles per story
DOCS_PER_DAY = 10_000 / 120  # 4 months per 10,000 articles
LANGS = ("en", "ru", "uk", "es", "pt")
OUTLETS = [f"{a} {b}" for a in ("Daily", "Morning", "Evening", "Weekly", "National") for b in
           ("Courier", "Herald", "Post", "Gazette", "Observer", "Telegraph", "Tribune", "Chronicle", "Monitor",
            "Express")]  # fmt: skip

# canonical name -> (en, ru, uk, es, pt)
ACTORS = {
    "Russia": ("Russia", "Россия", "Росія", "Rusia", "Rússia"),
    "Belarus": ("Belarus", "Беларусь", "Білорусь", "Bielorrusia", "Bielorrússia"),
    "Ukraine": ("Ukraine", "Украина", "Україна", "Ucrania", "Ucrânia"),
    "Poland": ("Poland", "Польша", "Польща", "Polonia", "Polónia"),
    "Lithuania": ("Lithuania", "Литва", "Литва", "Lituania", "Lituânia"),
    "Latvia": ("Latvia", "Латвия", "Латвія", "Letonia", "Letónia"),
    "Estonia": ("Estonia", "Эстония", "Естонія", "Estonia", "Estónia"),
    "Moldova": ("Moldova", "Молдавия", "Молдова", "Moldavia", "Moldávia"),
    "Georgia": ("Georgia", "Грузия", "Грузія", "Georgia", "Geórgia"),
    "Kazakhstan": ("Kazakhstan", "Казахстан", "Казахстан", "Kazajistán", "Cazaquistão"),
    "Germany": ("Germany", "Германия", "Німеччина", "Alemania", "Alemanha"),
    "France": ("France", "Франция", "Франція", "Francia", "França"),
    "United States": ("the United States", "США", "США", "Estados Unidos", "Estados Unidos"),
    "China": ("China", "Китай", "Китай", "China", "China"),
    "Turkey": ("Turkey", "Турция", "Туреччина", "Turquía", "Turquia"),
    "Vladimir Putin": ("Vladimir Putin", "Владимир Путин", "Володимир Путін", "Vladímir Putin", "Vladimir Putin"),
    "Alexander Lukashenko": (
        "Alexander Lukashenko",
        "Александр Лукашенко",
        "Олександр Лукашенко",
        "Alexandr Lukashenko",
        "Alexander Lukashenko",
    ),
    "Volodymyr Zelensky": (
        "Volodymyr Zelensky",
        "Владимир Зеленский",
        "Володимир Зеленський",
        "Volodímir Zelenski",
        "Volodymyr Zelensky",
    ),
    "Sergei Shoigu": ("Sergei Shoigu", "Сергей Шойгу", "Сергій Шойгу", "Serguéi Shoigú", "Serguei Shoigu"),
    "Viktor Khrenin": ("Viktor Khrenin", "Виктор Хренин", "Віктор Хренін", "Víktor Jrenin", "Viktor Khrenin"),
    "Valeri Revenko": ("Valeri Revenko", "Валерий Ревенко", "Валерій Ревенко", "Valeri Revenko", "Valeri Revenko"),
    "Dmitry Peskov": ("Dmitry Peskov", "Дмитрий Песков", "Дмитро Пєсков", "Dmitri Peskov", "Dmitri Peskov"),
    "Oleksii Reznikov": (
        "Oleksii Reznikov",
        "Алексей Резников",
        "Олексій Резніков",
        "Oleksiy Réznikov",
        "Oleksii Reznikov",
    ),
    "Andrzej Duda": ("Andrzej Duda", "Анджей Дуда", "Анджей Дуда", "Andrzej Duda", "Andrzej Duda"),
    "Gitanas Nauseda": ("Gitanas Nauseda", "Гитанас Науседа", "Гітанас Науседа", "Gitanas Nauseda", "Gitanas Nauseda"),
    "Jens Stoltenberg": (
        "Jens Stoltenberg",
        "Йенс Столтенберг",
        "Єнс Столтенберг",
        "Jens Stoltenberg",
        "Jens Stoltenberg",
    ),
    "Maia Sandu": ("Maia Sandu", "Майя Санду", "Мая Санду", "Maia Sandu", "Maia Sandu"),
    "Sergei Lavrov": ("Sergei Lavrov", "Сергей Лавров", "Сергій Лавров", "Serguéi Lavrov", "Serguei Lavrov"),
    "Dmytro Kuleba": ("Dmytro Kuleba", "Дмитрий Кулеба", "Дмитро Кулеба", "Dmitró Kuleba", "Dmytro Kuleba"),
    "Antony Blinken": ("Antony Blinken", "Энтони Блинкен", "Ентоні Блінкен", "Antony Blinken", "Antony Blinken"),
    "NATO": ("NATO", "НАТО", "НАТО", "la OTAN", "a NATO"),
    "United Nations": ("the United Nations", "ООН", "ООН", "la ONU", "a ONU"),
    "European Union": ("the European Union", "Евросоюз", "Євросоюз", "la Unión Europea", "a União Europeia"),
    "OSCE": ("the OSCE", "ОБСЕ", "ОБСЄ", "la OSCE", "a OSCE"),
    "IAEA": ("the IAEA", "МАГАТЭ", "МАГАТЕ", "el OIEA", "a AIEA"),
    "Red Cross": ("the Red Cross", "Красный Крест", "Червоний Хрест", "la Cruz Roja", "a Cruz Vermelha"),
    "Interfax": ("Interfax", "Интерфакс", "Інтерфакс", "Interfax", "a Interfax"),
    "Kremlin": ("the Kremlin", "Кремль", "Кремль", "el Kremlin", "o Kremlin"),
    "Ministry of Defence of Belarus": (
        "the Belarusian Defense Ministry",
        "Минобороны Беларуси",
        "Міноборони Білорусі",
        "el Ministerio de Defensa de Bielorrusia",
        "o Ministério da Defesa da Bielorrússia",
    ),
    "Ministry of Defence of Russia": (
        "the Russian Defense Ministry",
        "Минобороны России",
        "Міноборони Росії",
        "el Ministerio de Defensa de Rusia",
        "o Ministério da Defesa da Rússia",
    ),
    "Ministry of Defence of Ukraine": (
        "the Ukrainian Defense Ministry",
        "Минобороны Украины",
        "Міноборони України",
        "el Ministerio de Defensa de Ucrania",
        "o Ministério da Defesa da Ucrânia",
    ),
    "General Staff of Ukraine": (
        "the Ukrainian General Staff",
        "Генштаб ВСУ",
        "Генштаб ЗСУ",
        "el Estado Mayor de Ucrania",
        "o Estado-Maior da Ucrânia",
    ),
    "Armed Forces of Russia": (
        "the Russian army",
        "российская армия",
        "російська армія",
        "el ejército ruso",
        "o exército russo",
    ),
    "State Border Guard Service of Ukraine": (
        "Ukraine's border guards",
        "Госпогранслужба Украины",
        "Держприкордонслужба",
        "la guardia fronteriza de Ucrania",
        "a guarda fronteiriça da Ucrânia",
    ),
    "Wagner Group": ("the Wagner Group", "ЧВК Вагнер", "ПВК Вагнер", "el Grupo Wagner", "o Grupo Wagner"),
}
# thing -> (en, ru, uk, es, pt) counted nouns as written after a number; the last two are not in things.toml
NOUNS = {
    "personnel": ("troops", "военнослужащих", "військовослужбовців", "soldados", "militares"),
    "soldiers": ("soldiers", "солдат", "солдатів", "militares", "soldados"),
    "tanks": ("tanks", "танков", "танків", "tanques", "tanques"),
    "armored": ("armored vehicles", "бронемашин", "бронемашин", "vehículos blindados", "veículos blindados"),
    "artillery": ("artillery pieces", "артиллерийских орудий", "гармат", "piezas de artillería", "peças de artilharia"),
    "aircraft": ("aircraft", "самолётов", "літаків", "aviones", "aviões"),
    "helicopters": ("helicopters", "вертолётов", "гелікоптерів", "helicópteros", "helicópteros"),
    "drones": ("drones", "беспилотников", "безпілотників", "drones", "drones"),
    "missiles": ("missiles", "ракет", "ракет", "misiles", "mísseis"),
    "trains": ("trains", "эшелонов", "ешелонів", "trenes", "comboios"),
    "refugees": ("refugees", "беженцев", "біженців", "refugiados", "refugiados"),
    "killed": ("dead", "погибших", "загиблих", "muertos", "mortos"),
    "engineers": ("engineers", "инженеров", "інженерів", "ingenieros", "engenheiros"),
    "volunteers": ("volunteers", "добровольцев", "добровольців", "voluntarios", "voluntários"),
}
QUALIFIERS = {  # qualifier -> (en, ru, uk, es, pt) words before the number
    "exact": ("", "", "", "", ""),
    "up to": ("up to ", "до ", "до ", "hasta ", "até "),
    "approximately": ("about ", "около ", "близько ", "unos ", "cerca de "),
    "at least": ("at least ", "не менее ", "щонайменше ", "al menos ", "pelo menos "),
    "more than": ("more than ", "более ", "понад ", "más de ", "mais de "),
}
RANGE = ("between {lo} and {hi}", "от {lo} до {hi}", "від {lo} до {hi}", "entre {lo} y {hi}", "entre {lo} e {hi}")
# {A} holds the stance, {B} its target, {Q} the claim
REPORTED = ("{A} said that {Q} would be sent to the border with {B}.",
            "{A} заявил, что {Q} будут направлены к границе, где находится {B}.",
            "{A} заявив, що {Q} буде направлено до кордону, де перебуває {B}.",
            "{A} dijo que {Q} serán enviados a la frontera con {B}.",
            "{A} disse que {Q} serão enviados para a fronteira com {B}.")  # fmt: skip
ALLEGED = ("{A} claims that {Q} are already in the country, a threat to {B}.",
           "{A} утверждает, что {Q} уже находятся в стране, угрожая {B}.",
           "{A} стверджує, що {Q} вже перебувають у країні, що загрожує {B}.",
           "{A} alega que {Q} ya están en el país, una amenaza para {B}.",
           "{A} alega que {Q} já estão no país, uma ameaça para {B}.")  # fmt: skip
PLAIN = (
    ("{Q} arrived at the border on Monday.", "Officials counted {Q} near the front line.",
     "By the end of the week {Q} had been moved north.", "Satellite images show {Q} at the site."),
    ("В понедельник к границе прибыли {Q}.", "Чиновники насчитали {Q} у линии фронта.",
     "К концу недели на север были переброшены {Q}.", "Спутниковые снимки показывают {Q} на объекте."),
    ("У понеділок до кордону прибули {Q}.", "Посадовці нарахували {Q} біля лінії фронту.",
     "До кінця тижня на північ перекинули {Q}.", "Супутникові знімки показують {Q} на об'єкті."),
    ("El lunes llegaron a la frontera {Q}.", "Los funcionarios contaron {Q} cerca del frente.",
     "Al final de la semana se habían trasladado al norte {Q}.", "Las imágenes de satélite muestran {Q} en el lugar."),
    ("Na segunda-feira chegaram à fronteira {Q}.", "Os responsáveis contaram {Q} perto da linha da frente.",
     "No fim da semana tinham sido deslocados para norte {Q}.", "As imagens de satélite mostram {Q} no local."),
)  # fmt: skip
FILLER = (
    ("The statement gave no further details.", "Neither side commented on the report."),
    ("Подробности в заявлении не приводятся.", "Ни одна из сторон не прокомментировала сообщение."),
    ("Подробиць у заяві не наведено.", "Жодна зі сторін не прокоментувала повідомлення."),
    ("El comunicado no dio más detalles.", "Ninguna de las partes comentó el informe."),
    ("O comunicado não deu mais pormenores.", "Nenhuma das partes comentou a notícia."),
)  # fmt: skip
SEPARATOR = {"en": ",", "ru": " ", "uk": " ", "es": ".", "pt": "."}


def shapes(quick: bool) -> list[tuple[str, int]]:
    if quick:
        return [("1x", 200), ("2x", 400)]
    return [("1x", 10_000), ("2x", 20_000)]


# -- the corpus ---------------------------------------------------------------------------------


def _number(value: int, lang: str) -> str:
    return f"{value:,}".replace(",", SEPARATOR[lang])


def _claim(thing: str, value: int, qualifier: str, li: int, lang: str) -> tuple[str, dict[str, Any]]:
    """The claim's words in ``lang`` and its QUANTITY attributes."""
    noun = NOUNS[thing][li]
    if qualifier == "range":
        low = value - value // 10 - 1
        words = RANGE[li].format(lo=_number(low, lang), hi=_number(value, lang))
        return f"{words} {noun}", {"value": value, "low": low, "high": value, "qualifier": "range", "unit": noun}
    return f"{QUALIFIERS[qualifier][li]}{_number(value, lang)} {noun}", {
        "value": value, "qualifier": qualifier, "unit": noun,
    }  # fmt: skip


def _variant(base: int, qualifier: str, rng: random.Random) -> tuple[int, str]:
    """A claim of a story's count: mostly as the story has it, else rounded, unqualified, a range, another."""
    r = rng.random()
    if r < 0.70:
        return base, qualifier
    if r < 0.80:
        return int(round(base * 1.1, -1)) or base + 1, qualifier
    if r < 0.88:
        return base, "exact" if qualifier != "exact" else "up to"
    if r < 0.93:
        return base, "range"
    return rng.randint(2, 20_000), rng.choice(list(QUALIFIERS))


class _Story:
    def __init__(self, rng: random.Random, day: date) -> None:
        self.day = day
        self.actors = rng.sample(list(ACTORS), 4)
        self.things = rng.sample(list(NOUNS), 6)
        self.counts = {t: (rng.choice((10, 50, 170, 200, 1_000, 9_000, 30_000)) + rng.randint(0, 9) * 10,
                           rng.choice(list(QUALIFIERS))) for t in self.things}  # fmt: skip


def _place(parts: list[str], pos: int, template: str, fills: dict[str, str]) -> tuple[str, dict[str, tuple[int, int]]]:
    """``template`` filled, and where each fill landed (document offsets, the sentence starting at ``pos``)."""
    out, where, i = [], {}, 0
    while i < len(template):
        if template[i] == "{":
            j = template.index("}", i)
            key = template[i + 1 : j]
            start = pos + sum(map(len, out))
            value = fills[key]
            if not out or not "".join(out).strip():
                value = value[:1].upper() + value[1:]
            out.append(value)
            where[key] = (start, start + len(value))
            i = j + 1
        else:
            out.append(template[i])
            i += 1
    return "".join(out), where


def make_article(index: int, story: _Story, rng: random.Random) -> dict[str, Any]:
    """One article of ``story``: text, sentences, spans (ACTOR, STANCE, QUANTITY), English per sentence."""
    from annot.model import Document, Sentence, document_id
    from annot.store import new_span_id

    li = rng.randrange(len(LANGS))
    lang = LANGS[li]
    names = rng.sample(story.actors, 3)
    claims = []
    for _ in range(CLAIMS_PER_DOC):
        thing = rng.choice(story.things)
        value, qualifier = _variant(*story.counts[thing], rng)
        claims.append((thing, value, qualifier))
    alleged = rng.random() < 0.5
    plan: list[tuple[str, str, dict[str, str], int | None]] = []  # (template, English template, names, claim)
    plan.append((REPORTED[li], REPORTED[0], {"A": names[0], "B": names[1]}, 0))
    plan.append(((ALLEGED if alleged else REPORTED)[li], (ALLEGED if alleged else REPORTED)[0],
                 {"A": names[2], "B": names[1]}, 1))  # fmt: skip
    for n in range(2, CLAIMS_PER_DOC):
        k = rng.randrange(len(PLAIN[0]))
        plan.append((PLAIN[li][k], PLAIN[0][k], {}, n))
    for k in range(SENTENCES - CLAIMS_PER_DOC):
        plan.insert(rng.randrange(2, len(plan) + 1), (FILLER[li][k], FILLER[0][k], {}, None))
    parts: list[str] = []
    offsets, english, placed = [], [], []
    pos = 0
    for i, (template, en_template, who, claim) in enumerate(plan):
        if i:
            sep = "\n\n" if i % 4 == 0 else " "
            parts.append(sep)
            pos += len(sep)
        fills = {k: ACTORS[v][li] for k, v in who.items()}
        en_fills = {k: ACTORS[v][0] for k, v in who.items()}
        attrs: dict[str, Any] = {}
        if claim is not None:
            thing, value, qualifier = claims[claim]
            fills["Q"], attrs = _claim(thing, value, qualifier, li, lang)
            en_fills["Q"] = _claim(thing, value, qualifier, 0, "en")[0]
        text, where = _place(parts, pos, template, fills)
        parts.append(text)
        offsets.append((pos, pos + len(text)))
        english.append(_place([], 0, en_template, en_fills)[0])
        placed.append((where, who, attrs, claim))
        pos += len(text)
    text = "".join(parts)
    title = f"{ACTORS[names[0]][li]}: {text.split('.')[0][:60]}"
    story_key = f"synthetic/claims-{index:06d}.{lang}"
    meta: dict[str, Any] = {}
    if "outlet" in Document.__dataclass_fields__:
        outlet = OUTLETS[rng.randrange(len(OUTLETS))]
        meta = {"outlet": outlet, "author": f"Author {rng.randrange(500)}",
                "url": f"https://{outlet.lower().replace(' ', '-')}.example/{index}"}  # fmt: skip
    published = story.day + timedelta(days=rng.randint(0, 2))
    doc = Document(id=document_id(text, title), key=story_key, title=title, lang=lang, text=text,
                   source=f"{story_key}.txt", published=published, **meta)  # fmt: skip
    sentences = [Sentence(doc.id, i, s, e, text[s:e]) for i, (s, e) in enumerate(offsets)]
    actors, stances, quantities = [], [], []
    actor_ids: dict[str, str] = {}
    for (where, who, attrs, claim), (s, e) in zip(placed, offsets):
        for key, name in who.items():
            if key in where and name not in actor_ids:
                actor_ids[name] = new_span_id()
                a, b = where[key]
                canonical = {"canonical": name} if rng.random() < 0.8 else {}
                actors.append(_span(actor_ids[name], doc.id, a, b, "ACTOR", {"type": "state", **canonical}))
        if claim is not None:
            a, b = where["Q"]
            quantities.append(_span(new_span_id(), doc.id, a, b, "QUANTITY", attrs))
        if who:
            holder = who["A"]
            stances.append(_span(new_span_id(), doc.id, s, e, "STANCE", {
                "holder": ACTORS[holder][li], "holder_span": actor_ids[holder], "target": ACTORS[who["B"]][li],
                "target_span": actor_ids[who["B"]],
                "evidence": "alleged" if claim == 1 and alleged else rng.choice(("reported", "quoted")),
                "polarity": rng.choice(("supports", "opposes", "neutral")),
            }))  # fmt: skip
    return {"doc": doc, "sentences": sentences, "spans": actors + stances + quantities, "english": english}


def _span(span_id: str, doc_id: str, start: int, end: int, label: str, attrs: dict[str, Any]) -> Any:
    from annot.model import Origin, Span

    return Span(id=span_id, doc_id=doc_id, start=start, end=end, label=label, attrs=attrs, annotator=C.ANNOTATOR,
                origin=Origin.MANUAL)  # fmt: skip


def build_corpus(path: Path, documents: int, *, seed: int = 0) -> dict[str, Any]:
    """The store of the module's docstring, at ``path``: ``documents`` articles, in one transaction."""
    from annot.model import Translation
    from annot.store import Store

    rng = random.Random(seed)
    start = date(2022, 9, 1)
    days = max(1, round(documents / DOCS_PER_DAY))
    stories = [_Story(rng, start + timedelta(days=rng.randrange(days))) for _ in range(max(1, documents // STORY_SIZE))]
    t0 = time.perf_counter()
    articles = [make_article(i, rng.choice(stories), rng) for i in range(documents)]
    make_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    with Store(path, annotator=C.ANNOTATOR) as store, store.transaction():
        for art in articles:
            store.add_document(art["doc"], art["sentences"])
        store.add_spans([s for art in articles for s in art["spans"]])
        store.add_translations(
            Translation(art["doc"].id, i, "synthetic", "bench", "1", art["doc"].lang, "en", f"{art['doc'].lang}>en",
                        "synthetic|bench-1", text)
            for art in articles if art["doc"].lang != "en" for i, text in enumerate(art["english"])
        )  # fmt: skip
    store_s = time.perf_counter() - t0
    labels: dict[str, int] = {}
    for art in articles:
        for s in art["spans"]:
            labels[s.label] = labels.get(s.label, 0) + 1
    return {"documents": documents, "labels": labels, "make_s": make_s, "store_s": store_s,
            "outlets": "outlet" in type(articles[0]["doc"]).__dataclass_fields__, "days": days,
            "stories": len(stories),
            "bytes": sum(f.stat().st_size for f in path.iterdir() if f.is_file())}  # fmt: skip


def corpus(root: Path, documents: int) -> Path:
    """The corpus of ``documents`` articles under ``root``: built once in a fresh process, then reused."""
    path = root / f"claims-d{documents}"
    done = path / ".built"
    if not done.exists():
        shutil.rmtree(path, ignore_errors=True)
        r = C.in_fresh_process(build_corpus, path, documents)
        done.touch()
        counts = ", ".join(f"{n:,} {label}" for label, n in sorted(r["labels"].items()))
        print(f"built {documents:,} articles ({r['stories']:,} stories over {r['days']} days; {counts};"
              f" outlets {'set' if r['outlets'] else 'not in this Document model'}; {r['bytes'] / 2**20:,.0f} MiB):"
              f" generated in {r['make_s']:.1f} s, stored in {r['store_s']:.1f} s"
              f" ({documents / r['store_s']:,.0f} articles/s, one transaction), builder peak RSS"
              f" {r['peak_rss_mb']:,.0f} MiB", flush=True)  # fmt: skip
    return path


# -- the probes ---------------------------------------------------------------------------------


def ledger_child(path: str) -> dict[str, Any]:
    """``annot.claims`` twice on one Store: cold, then warm; with what the ledger holds."""
    import pandas  # noqa: F401  the baseline pays it before its clock too

    import annot
    from annot.store import Store

    with Store(path, annotator=C.ANNOTATOR) as store:
        before = C.rss_mb()
        t0 = time.perf_counter()
        ledger = annot.claims(store)
        cold = time.perf_counter() - t0
        cold_peak = C.peak_rss_mb()
        del ledger
        t0 = time.perf_counter()
        ledger = annot.claims(store)
        warm = time.perf_counter() - t0
    # What reading the English translations costs on its own: the quantity finder over each distinct sentence the
    # ledger reads once, those of the claims whose counted word things.toml does not list (cached by text across
    # calls, so the warm run does not pay it again).
    unlisted = ledger["gloss"].notna() | ledger["thing"].fillna("").str.startswith("word:")
    english = list(dict.fromkeys(ledger.loc[unlisted, "translation"].dropna().tolist()))
    from annot.suggest.quantity_finder import find_quantities

    t0 = time.perf_counter()
    for text in english:
        find_quantities(text, "en")
    finder = time.perf_counter() - t0
    kinds = {k: int(ledger["discrepancies"].str.contains(k).sum()) for k in annot.analysis.DISCREPANCY_KINDS}
    return {"cold": cold, "warm": warm, "rss_before_mb": before, "cold_peak_mb": cold_peak, "rows": len(ledger),
            "events": ledger["event"].nunique(), "groups": ledger["group"].nunique(),
            "glossed": int(ledger["gloss"].notna().sum()), "held": int(ledger["holder"].notna().sum()),
            "kinds": kinds, "english": len(english), "finder": finder}  # fmt: skip


def spans_child(path: str) -> dict[str, Any]:
    """The baseline: ``store.spans(flatten=True)`` twice on one Store."""
    import pandas  # noqa: F401

    from annot.store import Store

    with Store(path, annotator=C.ANNOTATOR) as store:
        before = C.rss_mb()
        t0 = time.perf_counter()
        frame = store.spans(flatten=True)
        cold = time.perf_counter() - t0
        del frame
        t0 = time.perf_counter()
        frame = store.spans(flatten=True)
        warm = time.perf_counter() - t0
    return {"cold": cold, "warm": warm, "rss_before_mb": before, "rows": len(frame)}


def read_sql_child(path: str) -> dict[str, Any]:
    """``pd.read_sql_query`` of the spans table: the untyped frame pandas gives for free."""
    import sqlite3

    import pandas as pd

    from annot.store import DB_NAME

    conn = sqlite3.connect(Path(path) / DB_NAME)
    before = C.rss_mb()
    t0 = time.perf_counter()
    frame = pd.read_sql_query("SELECT * FROM spans", conn)
    cold = time.perf_counter() - t0
    conn.close()
    return {"cold": cold, "warm": float("nan"), "rss_before_mb": before, "rows": len(frame)}


PROBES = (("annot.claims", ledger_child), ("spans(flatten=True)", spans_child), ("pd.read_sql_query", read_sql_child))


def main(argv: Sequence[str] | None = None) -> None:
    args = C.parse_args(__doc__.splitlines()[0], argv)
    C.header("claims ledger: annot.claims(store) at 1x and 2x, against spans(flatten=True), fresh process each")
    print(C.machine_line())
    floor = C.in_fresh_process(C.idle_rss)["peak_rss_mb"]
    results: dict[str, dict[str, dict[str, Any]]] = {}
    with C.workdir(args.workdir) as root:
        for size, documents in shapes(args.quick):
            path = corpus(root, documents)
            results[size] = {name: C.in_fresh_process(probe, str(path)) for name, probe in PROBES}
    rows = []
    for size, res in results.items():
        base = res["spans(flatten=True)"]
        for name, r in res.items():
            rows.append((
                size, name, f"{r['rows']:,}", f"{r['cold']:.2f}", "" if r["warm"] != r["warm"] else f"{r['warm']:.2f}",
                C.ratio(r["cold"], base["cold"]), "" if r["warm"] != r["warm"] else C.ratio(r["warm"], base["warm"]),
                f"{r['peak_rss_mb']:,.0f}",
                f"{r['peak_rss_mb'] - r['rss_before_mb']:,.0f}",
            ))  # fmt: skip
    print(f"import-only floor (annot + pandas, fresh process): peak RSS {floor:,.0f} MiB")
    print(C.table(["size", "probe", "rows", "cold s", "warm s", "cold vs spans()", "warm vs spans()", "peak RSS MiB",
                   "RSS growth MiB"], rows))  # fmt: skip
    print("(cold = first call in a fresh process, after importing annot and pandas and opening the Store;"
          " warm = a second call on the same Store; peak RSS = the child's VmHWM over both calls)")  # fmt: skip
    for size, res in results.items():
        led = res["annot.claims"]
        kinds = ", ".join(f"{k} {n:,}" for k, n in led["kinds"].items())
        print(f"{size}: {led['rows']:,} claims in {led['groups']:,} groups over {led['events']:,} events;"
              f" {led['held']:,} held by a stance, {led['glossed']:,} glossed from an English translation;"
              f" claims marked: {kinds}; the quantity finder over the {led['english']:,} distinct English"
              f" sentences it reads (of claims counting a word things.toml lacks): {led['finder']:.2f} s"
              " (paid by the cold call only)")  # fmt: skip
    one, two = results["1x"], results["2x"]
    for name in ("annot.claims", "spans(flatten=True)"):
        a, b = one[name], two[name]
        memory = C.ratio(b["peak_rss_mb"] - b["rss_before_mb"], a["peak_rss_mb"] - a["rss_before_mb"])
        print(f"growth 2x/1x, {name}: cold {C.ratio(b['cold'], a['cold'])}, warm {C.ratio(b['warm'], a['warm'])},"
              f" RSS growth {memory} (linear = 2.00x)")  # fmt: skip
    led = one["annot.claims"]
    docs = shapes(args.quick)[0][1]
    print(C.verdict(led["cold"] < TARGET_S, f"ledger of {docs:,} articles / {led['rows']:,} claims < {TARGET_S:.0f} s"
                    f" (cold {led['cold']:.2f} s, warm {led['warm']:.2f} s)")
          + ("" if not args.quick else " [--quick sizes; the target is for 10,000 articles]"))  # fmt: skip
    print(C.verdict(led["peak_rss_mb"] < TARGET_RSS_MB, f"peak RSS < {TARGET_RSS_MB:,.0f} MiB"
                    f" ({led['peak_rss_mb']:,.0f} MiB)"))  # fmt: skip


if __name__ == "__main__":
    main()
