"""Keeps the characters a shared SentencePiece vocabulary cannot spell away from the argos and bergamot models."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from annot.errors import EngineError
from annot.translate.base import split_long
from annot.translate.checks import check_numbers

__all__ = ["SpellingGuard", "translate_guarded"]

# Typographic characters and the ASCII a model sees instead when its vocabulary lacks them.
_PLAIN = {
    "“": '"',
    "”": '"',
    "„": '"',
    "‟": '"',
    "«": '"',
    "»": '"',
    "‘": "'",
    "’": "'",
    "‚": "'",
    "‛": "'",
    "…": "...",
}
_DASHES = "—–"
# Markup kept as is: tags, comments, character entities.
_MARKUP = re.compile(
    r"<!--.*?-->|</?[A-Za-z][^<>\n]{0,200}>|&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});",
    re.DOTALL,
)
_WORDY = re.compile(r"\w")
_OPENING = r'(?:^|(?<=[\s(\[{"\'/]))'
_GLUED = re.compile(r"(\w{2}[.!?])([A-ZÀ-Ý](?:[a-zà-ÿ]|\s))")
# A sentence end inside a text: a word, . ! or ?, closing quotes, space, a capital.
_SENTENCE_END = re.compile(r"(\w+)[.!?][\"'”’»)]*(?=\s+[\"'“‘«(]*[A-ZÀ-Ý])")
# Titles and abbreviations a capital follows without a sentence ending (en, pt, es).
_ABBREVIATIONS = frozenset({
    "adm", "capt", "cel", "cmdr", "col", "dr", "dra", "gen", "gal", "gov", "hon", "jr", "lt", "maj", "mr",
    "mrs", "ms", "no", "nos", "prof", "rep", "rev", "sen", "sgt", "sr", "sra", "srta", "st", "vs",
})  # fmt: skip


@dataclass(slots=True)
class _Prepared:
    """A sentence cut into parts: ``(text, kept)``; kept parts never reach the model."""

    parts: list[tuple[str, bool]] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)


class SpellingGuard:
    """Keeps the characters a SentencePiece vocabulary cannot spell away from the model.

    - Typographic quotes, apostrophes and ``…`` become ASCII (``"``, ``'``, ``...``)
      for the model, and are restored in its output when the source used only the
      typographic form (``“`` opens, ``”`` closes, by position); dashes
      ``— –`` become `` - `` and come back where the source had no ASCII `` - ``.
    - Markup (``<b>``, ``</a>``, ``&amp;``, ``<!-- -->``) and runs of other
      characters the vocabulary cannot spell (``€``, ``@``, ``#``, Cyrillic for
      a Latin vocabulary...) are kept verbatim: the text between them is
      translated piece by piece and the pieces are put back around them, with
      the source's spacing. So ``<b>Minsk</b> &amp; Kyiv`` keeps every one of its
      characters but the words. (Placeholders the model should copy were tried
      and lost about half the time.)

    Args:
        can_spell: whether the vocabulary has a piece for a character; None
            keeps markup only.
    """

    def __init__(self, can_spell: Callable[[str], bool] | None = None) -> None:
        self._can_spell = can_spell
        self._known: dict[str, bool] = {}

    @classmethod
    def from_sentencepiece(cls, processor: Any) -> SpellingGuard:
        """A guard for a ``sentencepiece.SentencePieceProcessor``'s vocabulary."""
        unk = processor.unk_id()
        return cls(lambda char: unk not in processor.encode(char))

    def spells(self, char: str) -> bool:
        """Whether the model can read ``char`` (whitespace always)."""
        if char.isspace() or self._can_spell is None:
            return True
        known = self._known.get(char)
        if known is None:
            known = self._known[char] = self._can_spell(char)
        return known

    def prepare(self, text: str) -> _Prepared:
        """Cut ``text`` into kept parts and parts for the model (``.inputs``, normalized)."""
        prepared = _Prepared()
        start = 0
        for match in _MARKUP.finditer(text):
            self._plain(text[start : match.start()], prepared)
            prepared.parts.append((match.group(), True))
            start = match.end()
        self._plain(text[start:], prepared)
        return prepared

    def _plain(self, text: str, prepared: _Prepared) -> None:
        run: list[str] = []
        kept = False
        for char in text:
            keep = not self.spells(char) and not (char in _PLAIN and self.spells(_PLAIN[char][0]))
            keep = keep and not (char in _DASHES and self.spells("-"))
            if run and keep != kept:
                self._part("".join(run), kept, prepared)
                run = []
            run.append(char)
            kept = keep
        if run:
            self._part("".join(run), kept, prepared)

    def _part(self, text: str, kept: bool, prepared: _Prepared) -> None:
        if kept or not _WORDY.search(text):  # nothing to translate in "  ", ", " or "—"
            prepared.parts.append((text, True))
            return
        prepared.parts.append((text, False))
        prepared.inputs.append(self._to_model(text.strip()))

    def _to_model(self, text: str) -> str:
        out = "".join(_PLAIN[c] if c in _PLAIN and not self.spells(c) else c for c in text)
        for dash in _DASHES:
            if dash in out and not self.spells(dash):
                out = re.sub(rf"\s*{dash}\s*", " - ", out) if dash == "—" else out.replace(dash, "-")
        return out

    def restore(self, prepared: _Prepared, outputs: list[str]) -> str:
        """The translation of the whole sentence from the model's ``outputs`` for ``prepared.inputs``."""
        pieces: list[str] = []
        fragments = len(prepared.inputs) > 1 or any(kept for _, kept in prepared.parts)
        translated = iter(outputs)
        for text, kept in prepared.parts:
            if kept:
                pieces.append(text)
                continue
            out = self._typography(text, next(translated).strip())
            if fragments and out[-1:] == "." and not re.search(r"[.!?…]\W*$", text.strip()):
                out = out[:-1]  # the model ends a fragment like a sentence
            lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
            pieces.append(f"{lead}{out}{trail}")
        return "".join(pieces).strip()

    def _typography(self, source: str, out: str) -> str:
        # Applied whatever the vocabulary: SentencePiece's NFKC may have turned "…" into "..." too.
        out = _requote(source, out, '"', "“”„‟«»")
        out = _requote(source, out, "'", "‘’‚‛")
        if "…" in source and "..." not in source:
            out = out.replace("...", "…")
        for dash in _DASHES:
            if dash in source and " - " not in source:
                spaced = f" {dash} " in source or dash == "–"
                out = out.replace(" - ", f" {dash} " if spaced else dash)
        if _GLUED.search(out) and _sentence_ends(source):
            out = _GLUED.sub(r"\1 \2", out)  # "pretextos.O resultado": the model dropped the space
        return out


def _requote(source: str, out: str, ascii_char: str, typographic: str) -> str:
    """Put the source's typographic quotes back for ``ascii_char`` in ``out``.

    The k-th quote of the output takes the k-th quote of the source when they
    are as many; otherwise a quote after a space (or first) opens and the others
    close, in the source's style (“ ” « » „ “ ‘ ’).
    """
    used = [c for c in source if c in typographic]
    if not used or ascii_char in source or ascii_char not in out:
        return out
    if out.count(ascii_char) == len(used):
        found = iter(used)
        return re.sub(re.escape(ascii_char), lambda _: next(found), out)
    if ascii_char == "'":
        opening, closing = ("‘" if "‘" in used else "’"), "’"
    else:
        opening, closing = ("«", "»") if {"«", "»"} & set(used) else ("„", "“") if "„" in used else ("“", "”")
    return re.sub(_OPENING + re.escape(ascii_char), opening, out).replace(ascii_char, closing)


def _sentence_ends(text: str) -> list[int]:
    """Where sentences end inside ``text`` (after their punctuation), titles such as "Col." aside."""
    return [
        m.end()
        for m in _SENTENCE_END.finditer(text)
        if len(m.group(1)) > 1 and m.group(1).lower() not in _ABBREVIATIONS
    ]


def _losses(source: str, output: str) -> tuple[int, int, int]:
    """How much of ``source`` an output seems to have lost: numbers, sentences, a short tail.

    The distilled argos models sometimes stop early: after "até 9." in a long
    sentence, or after the first of two sentences. Each count is 0 when nothing
    seems lost.
    """
    numbers = len(check_numbers(source, output).missing)
    sentences = max(0, len(_sentence_ends(source)) - len(_sentence_ends(output)))
    short = int(len(source) >= 40 and len(output) < len(source) * 0.5)
    return numbers, sentences, short


def _pieces(text: str) -> list[str]:
    """``text`` cut for a second try: at its sentence ends, else at two or three clause breaks."""
    cuts = _sentence_ends(text)
    if cuts:
        return [text[a:b].strip() for a, b in zip([0, *cuts], [*cuts, len(text)])]
    return [piece.strip() for piece in split_long(text, max(40, len(text) * 3 // 5))]


def translate_guarded(
    texts: list[str], run: Callable[[list[str]], list[str]], guard: SpellingGuard, *, repair: bool = True
) -> list[str]:
    """Translate sentences through ``guard`` with ``run`` (a batch of model inputs -> its outputs).

    With ``repair``, a translation that seems to have lost part of its source
    (a number, a sentence, half its length: see ``_losses``) is made again
    from pieces of the source, cut at sentence ends or else clause breaks,
    all in one more batch; the pieces' translations, joined, replace it if
    they lose less.
    """
    prepared = [guard.prepare(text) for text in texts]
    flat = [item for p in prepared for item in p.inputs]
    outputs = run(flat) if flat else []
    if len(outputs) != len(flat):
        raise EngineError(f"The model returned {len(outputs)} translations for {len(flat)} inputs.")
    results, used = [], 0
    for p in prepared:
        results.append(guard.restore(p, outputs[used : used + len(p.inputs)]))
        used += len(p.inputs)
    if not repair:
        return results
    lost = {i: _losses(text, out) for i, (text, out) in enumerate(zip(texts, results))}
    cuts = {i: _pieces(texts[i]) for i, loss in lost.items() if any(loss)}
    cuts = {i: pieces for i, pieces in cuts.items() if len(pieces) > 1}
    if cuts:
        again = translate_guarded([p for pieces in cuts.values() for p in pieces], run, guard, repair=False)
        for i, pieces in cuts.items():
            candidate, again = " ".join(again[: len(pieces)]), again[len(pieces) :]
            if _losses(texts[i], candidate) < lost[i]:
                results[i] = candidate
    return results
