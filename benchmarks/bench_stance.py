"""Stance suggestions: seed statements, holders and evidence P/R, cue coverage, speed: ``bench_stance.py [--quick]``.

Gold: every attributed statement of the seed article and of its Spanish
version, marked by hand (``tests/data/suggest/stance/seed.{en,es}.jsonl``: 14
and 13 statements, 11 and 10 with a named holder; both were read while the
rules were written, so they measure fit, and the coverage table below is the
wider check). A suggestion *finds* a statement when it covers the statement's
marked context; its holder is right when the holder's text is inside the
marked one or holds it. The baseline, measured in the same run, is the
prefill of ``main`` before the suggester (one guess per sentence, the actor
nearest the cue; read with ``git show``), given the same actor suggestions.
Ten languages: the 25 sentences per language of ``tests/data/suggest/actors/``
(the same news in 10 languages) with their hand-marked actors given, against
``stance/news.jsonl`` (15 sentences attribute a statement; the holder's
canonical name marked once for all languages): a sentence's statement is found
when a STANCE is suggested on it, its holder right when the holder actor's
canonical name is among the marked ones.
Speed: the seed's sentences repeated to 5,000 (500 with ``--quick``). Figures
only, nothing asserted.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import _common as C

from annot.segment import split
from annot.suggest import ActorRef, actors, find_statements, stance

GOLD = C.ROOT / "tests" / "data" / "suggest" / "stance"
SEEDS = {"en": C.SEED, "es": C.ROOT / "corpus" / "belarus-agrupacion-rusa-2022-10-17.es.txt"}
ACTORS = C.ROOT / "tests" / "data" / "suggest" / "actors"
LANGUAGES = ("en", "es", "pt", "fr", "de", "it", "ru", "uk", "pl", "cs")
BASELINE_REF = "35cea02"  # main before the stance suggester
Guess = tuple[int, int, str | None, str | None]  # statement start, end (document offsets), evidence, holder text


def _old_prefill() -> Callable | None:
    """The old ``suggest_stance``, loaded from git into a temporary module; ``None`` without git."""
    try:
        source = subprocess.run(
            ["git", "show", f"{BASELINE_REF}:annot/suggest/stance.py"],
            cwd=C.ROOT, capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return None
    folder = Path(tempfile.mkdtemp())
    (folder / "old_stance.py").write_text(source, "utf-8")
    sys.path.insert(0, str(folder))
    return importlib.import_module("old_stance").suggest_stance


def _sentences(text: str, lang: str = "en") -> list[tuple[int, int]]:
    return [(s, e) for s, e, _ in split(text, lang)]


def _new_guesses(text: str, lang: str) -> list[Guess]:
    out = []
    for s, e in _sentences(text, lang):
        for st in find_statements(text[s:e], lang):
            holder = text[s + st.holder_start : s + st.holder_end] if st.holder_start >= 0 else None
            out.append((s + st.start, s + st.end, st.evidence, holder))
    return out


def _old_guesses(text: str, lang: str, prefill: Callable) -> list[Guess]:
    out = []
    for s, e in _sentences(text, lang):
        sentence = text[s:e]
        refs = [ActorRef(str(i), a.start, a.end) for i, a in enumerate(actors(sentence, lang))]
        guess = prefill(sentence, lang, refs)
        if guess.evidence is None:
            continue
        holder = next((sentence[a.start : a.end] for a in refs if a.id == guess.holder_span), None)
        out.append((s, e, guess.evidence, holder))
    return out


def _holder_right(guess: str | None, gold: str | None) -> bool:
    return gold is not None and guess is not None and (guess in gold or gold in guess)


def _scores(text: str, gold: list[dict[str, Any]], guesses: list[Guess]) -> dict[str, tuple[float, float]]:
    """Precision and recall of statements found, holders and evidence."""
    matched: dict[int, dict[str, Any]] = {}  # guess index -> the first gold statement it covers
    for item in gold:
        at = text.index(item["context"])
        index = next((i for i, g in enumerate(guesses) if g[0] <= at < g[1] and i not in matched), None)
        if index is not None:
            matched[index] = item
    holders = [g for g in guesses if g[3] is not None]
    right_holders = sum(_holder_right(guesses[i][3], item["holder"]) for i, item in matched.items())
    right_evidence = sum(guesses[i][2] == item["evidence"] for i, item in matched.items())
    named = sum(item["holder"] is not None for item in gold)
    return {
        "statements": (len(matched) / max(len(guesses), 1), len(matched) / len(gold)),
        "holder": (right_holders / max(len(holders), 1), right_holders / named),
        "evidence": (right_evidence / max(len(guesses), 1), right_evidence / len(gold)),
    }


def _languages_row(lang: str, gold: dict[str, list[str]]) -> list[Any]:
    """Statements P/R (a sentence with a STANCE) and holder P/R on the 25 news sentences of ``lang``."""
    rows = [json.loads(line) for line in (ACTORS / f"{lang}.jsonl").read_text("utf-8").splitlines() if line.strip()]
    found_right = suggested = holders = holders_right = 0
    for row in rows:
        refs = [ActorRef(str(i), a["start"], a["end"], a.get("canonical", "")) for i, a in enumerate(row["actors"])]
        found = find_statements(row["text"], lang, refs)
        marked = gold[row["id"].split("-")[1]]
        suggested += bool(found)
        found_right += bool(found) and bool(marked)
        named = [s for s in found if s.holder_actor is not None]
        holders += len(named)
        holders_right += sum(s.holder_actor.name in marked for s in named)
    attributed = sum(bool(v) for v in gold.values())
    return [lang, f"{found_right / max(suggested, 1):.2f} / {found_right / attributed:.2f}",
            f"{holders_right / max(holders, 1):.2f} / {holders_right / attributed:.2f}"]  # fmt: skip


def main(argv: Sequence[str] | None = None) -> None:
    args = C.parse_args(__doc__.splitlines()[0], argv)
    C.header("stance on the seed and its Spanish version: statements marked by hand (P / R)")
    old = _old_prefill()
    rows = []
    for lang, path in SEEDS.items():
        text = path.read_text("utf-8")
        gold = [json.loads(x) for x in (GOLD / f"seed.{lang}.jsonl").read_text("utf-8").splitlines() if x.strip()]
        named = sum(item["holder"] is not None for item in gold)
        runs = [("suggester", _new_guesses(text, lang))]
        if old is not None:
            runs.append((f"old prefill ({BASELINE_REF})", _old_guesses(text, lang, old)))
        for name, guesses in runs:
            scores = _scores(text, gold, guesses)
            rows.append([lang, f"{len(gold)} ({named})", name, len(guesses),
                         *(f"{p:.2f} / {r:.2f}" for p, r in scores.values())])  # fmt: skip
    print(C.table(["lang", "marked (named)", "run", "suggested", "statements", "holder", "evidence"], rows))
    news = {}
    for line in (GOLD / "news.jsonl").read_text("utf-8").splitlines():
        item = json.loads(line)
        news[item["sentence"]] = item["holders"]
    attributed = sum(bool(v) for v in news.values())
    C.header(f"ten languages: the same 25 news sentences, {attributed} attributed, actors given (P / R)")
    print(C.table(["lang", "statements", "holder"], [_languages_row(lang, news) for lang in LANGUAGES]))
    n = 500 if args.quick else 5000
    text = C.SEED.read_text("utf-8")
    seeds = [text[s:e] for s, e in _sentences(text)]
    work = (seeds * (n // len(seeds) + 1))[:n]
    C.header(f"speed over {n} sentences")
    refs = {sentence: actors(sentence, "en") for sentence in seeds}
    rows = []
    for name, call in (
        ("finder, actors given", lambda sentence: find_statements(sentence, "en", refs[sentence])),
        ("annot.suggest.stance, actors found", lambda sentence: stance(sentence, "en")),
    ):
        call(work[0])
        t = time.perf_counter()
        for sentence in work:
            call(sentence)
        rows.append([name, f"{n / (time.perf_counter() - t):,.0f}"])
    print(C.table(["what", "sentences/s"], rows))


if __name__ == "__main__":
    main()
