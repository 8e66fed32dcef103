"""The word aligners annot measured and does not use by default: Apertium's markup and CTranslate2's attention.

``annot.project.wordalign`` (the lexical aligner with the routes' lexicons) serves
every route and human versions, and placed the gold's units as well as these
where they apply (``benchmarks/bench_wordalign.py``; the figures are in that
module's docstring and the README). They stay here, measured and tested, for
whoever wants a second opinion on an Apertium route or an argos pair:

- ``apertium_links``: the source again through ``apertium -f html`` with every
  word in a ``<span>``, the tags read where they land (Apertium hops only);
- ``attention_links``: the stored target forced as a CTranslate2 model's
  decoder prefix, each target piece linked to the source word it attends to
  most (argos pairs only);
- ``compose``: links chained through a pivot.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from difflib import SequenceMatcher
from typing import Any

from annot.project.wordalign import Link, words

__all__ = ["apertium_links", "attention_links", "compose"]


def compose(first: Sequence[Link], second: Sequence[Link]) -> list[Link]:
    """Links source -> final target through a pivot: ``first`` source -> pivot, ``second`` pivot -> target.

    A pair links when the pivot range of ``first`` overlaps the source range of
    ``second``; its score is the product.
    """
    out: dict[tuple[tuple[int, int], tuple[int, int]], float] = {}
    for a in first:
        for b in second:
            if a.target[0] < b.source[1] and b.source[0] < a.target[1]:
                key = (a.source, b.target)
                out[key] = max(out.get(key, 0.0), a.score * b.score)
    return [Link(s, t, round(score, 4)) for (s, t), score in sorted(out.items())]


# -- Apertium: the source again, each word in a tag ------------------------------------------------

_TAG = re.compile(r"<(/?)span(?: id=\"w(\d+)\")?[^>]*>|<[^>]*>|&[#\w]+;")


def _tagged(text: str) -> str:
    out, last = [], 0
    for index, (start, end) in enumerate(words(text)):
        out += [html.escape(text[last:start], quote=False), f'<span id="w{index}">', html.escape(text[start:end])]
        out.append("</span>")
        last = end
    out.append(html.escape(text[last:], quote=False))
    return "".join(out)


def _read_tags(marked: str) -> tuple[str, dict[int, list[tuple[int, int]]]]:
    """Plain text of Apertium's html output and, per source word, the plain ranges inside its tags."""
    plain: list[str] = []
    stack: list[int | None] = []
    opened: dict[int, int] = {}
    ranges: dict[int, list[tuple[int, int]]] = {}
    length, last = 0, 0
    for match in _TAG.finditer(marked):
        chunk = marked[last : match.start()]
        plain.append(chunk)
        length += len(chunk)
        last = match.end()
        token = match.group()
        if token.startswith("&"):
            text = html.unescape(token)
            plain.append(text)
            length += len(text)
        elif match.group(1) == "" and token.startswith("<span"):
            word = None if match.group(2) is None else int(match.group(2))
            stack.append(word)
            if word is not None:
                opened[word] = length
        elif match.group(1) == "/" and stack:
            word = stack.pop()
            if word is not None and word in opened:
                ranges.setdefault(word, []).append((opened.pop(word), length))
    plain.append(marked[last:])
    return "".join(plain), ranges


def _onto(tagged_plain: str, stored: str) -> Callable[[int, int], tuple[int, int] | None]:
    """Map a range of Apertium's re-translation onto the stored text through a character diff."""
    matcher = SequenceMatcher(None, tagged_plain, stored, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]

    def to_stored(a: int, b: int) -> tuple[int, int] | None:
        hits = [(max(a, x) - x + y, min(b, x + size) - x + y) for x, y, size in blocks if x < b and a < x + size]
        if not hits:
            return None
        return hits[0][0], hits[-1][1]

    return to_stored


def apertium_links(
    sources: Sequence[str], targets: Sequence[str], modes: Sequence[str], *, min_ratio: float = 0.8
) -> list[list[Link] | None]:
    """Links from Apertium itself: each source again through ``modes`` with every word in a ``<span>``.

    Args:
        sources: source sentences.
        targets: their stored translations by the same Apertium modes.
        modes: Apertium mode names in hop order, e.g. ``["eng-spa"]`` or ``["eng-spa", "es-pt"]``.
        min_ratio: below this character similarity between the tagged re-translation
            and the stored text (tags split multiword units), a sentence gets None.

    Returns:
        Per sentence, its links (score 1) or None. Costs one ``apertium -f html`` process
        per mode for the whole batch (~0.15 s each to start; the seed's 14 sentences
        through two modes: ~0.3 s). Modes run by name from the system's Apertium
        folder, on the text as given: ``ApertiumEngine``'s Latin transliteration of
        Cyrillic sr/bs input is not applied.

    Raises:
        EngineError: Apertium is missing or failed.
    """
    import subprocess

    from annot.errors import EngineError

    if len(sources) != len(targets):
        raise ValueError(f"{len(sources)} sources but {len(targets)} targets")
    text = "".join(f'<div id="s{k}">{_tagged(s)}</div>\n' for k, s in enumerate(sources))
    for mode in modes:
        try:
            done = subprocess.run(
                ["apertium", "-u", "-f", "html", mode], input=text, capture_output=True, text=True, timeout=120
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise EngineError(f"Cannot run apertium -f html {mode}: {exc}") from exc
        if done.returncode:
            raise EngineError(f"apertium -f html {mode} exited with {done.returncode}: {done.stderr.strip()[-200:]}")
        text = done.stdout
    parts = dict((int(k), body) for k, body in re.findall(r'<div id="s(\d+)">(.*?)</div>', text, flags=re.DOTALL))
    out: list[list[Link] | None] = []
    for k, (source, stored) in enumerate(zip(sources, targets)):
        if k not in parts:
            out.append(None)
            continue
        raw, ranges = _read_tags(parts[k])
        plain = raw.strip()
        offset = len(raw) - len(raw.lstrip())
        if SequenceMatcher(None, plain, stored, autojunk=False).ratio() < min_ratio:
            out.append(None)
            continue
        to_stored = _onto(plain, stored)
        s_spans = words(source)
        links = []
        for index, found in sorted(ranges.items()):
            for a, b in found:
                mapped = to_stored(a - offset, b - offset) if b > a else None
                if index < len(s_spans) and mapped and mapped[1] > mapped[0]:
                    links.append(Link(s_spans[index], mapped, 1.0))
        out.append(links)
    return out


# -- CTranslate2 attention --------------------------------------------------------------------------


def attention_links(
    translator: Any, processor: Any, sources: Sequence[str], targets: Sequence[str], *, target_prefix: str = ""
) -> list[list[Link]]:
    """Links from a CTranslate2 model's attention, the stored target forced as the decoder's prefix.

    Args:
        translator: a ``ctranslate2.Translator`` for the pair (argos: ``ArgosEngine._load``'s).
        processor: its SentencePiece processor (``encode(text, out_type=str)``).
        sources: source sentences.
        targets: any target texts in that pair (the model's own, another engine's, a human version).
        target_prefix: the package's target prefix token, if any.

    Returns:
        Per sentence, each target word linked to the source word its pieces attend to
        most (score: the attention mass). One ``translate_batch`` (beam 1) for all.
    """
    src_pieces = [processor.encode(s, out_type=str) for s in sources]
    tgt_pieces = [([target_prefix] if target_prefix else []) + processor.encode(t, out_type=str) for t in targets]
    results = translator.translate_batch(
        src_pieces,
        target_prefix=tgt_pieces,
        return_attention=True,
        beam_size=1,
        max_decoding_length=max((len(t) for t in tgt_pieces), default=0) + 2,
    )
    out = []
    for source, target, sp, tp, result in zip(sources, targets, src_pieces, tgt_pieces, results):
        attention = result.attention[0] if result.attention else []
        s_words, t_words = words(source), words(target)
        s_of_piece = _piece_words(source, sp, s_words)
        t_of_piece = _piece_words(target, tp[1:] if target_prefix else tp, t_words)
        shift = 1 if target_prefix else 0
        mass: dict[tuple[int, int], float] = {}
        for p, word in enumerate(t_of_piece):
            row = attention[p + shift] if p + shift < len(attention) else None
            if word is None or row is None:
                continue
            for q, weight in enumerate(row[: len(s_of_piece)]):
                if s_of_piece[q] is not None:
                    key = (s_of_piece[q], word)
                    mass[key] = mass.get(key, 0.0) + float(weight)
        best: dict[int, tuple[float, int]] = {}
        for (i, j), weight in mass.items():
            if weight > best.get(j, (0.0, -1))[0]:
                best[j] = (weight, i)
        out.append(
            [
                Link(s_words[i], t_words[j], round(min(1.0, w), 4))
                for j, (w, i) in sorted(best.items(), key=lambda x: x[1][1])
            ]
        )
    return out


def _piece_words(text: str, pieces: Sequence[str], spans: Sequence[tuple[int, int]]) -> list[int | None]:
    """For each SentencePiece piece, the index of the word of ``text`` it spells (None: space, punctuation)."""
    owner: list[int | None] = [None] * len(text)
    for index, (a, b) in enumerate(spans):
        owner[a:b] = [index] * (b - a)
    result: list[int | None] = []
    pos = 0
    for piece in pieces:
        chars = piece.replace("\u2581", " ")
        word: int | None = None
        for ch in chars:
            if ch == " ":
                while pos < len(text) and text[pos].isspace():
                    pos += 1
                continue
            found = text.find(ch, pos)
            if found < 0 or found - pos > 3:  # normalized away (NFKC): keep the place
                continue
            pos = found + 1
            word = owner[found] if word is None else word
        result.append(word)
    return result
