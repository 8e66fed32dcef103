"""The Engine protocol and the base class that owns the work every engine shares."""

from __future__ import annotations

import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Generic, Protocol, TypeVar, runtime_checkable

from annot.errors import EngineError, ModelNotInstalled, PartialTranslation

__all__ = ["ENGINE_KINDS", "BaseEngine", "Engine", "Model", "ModelFolder", "engine_kind", "format_pairs", "split_long"]

#: What an engine is, best first: ``kind`` of the engine classes (see ``engine_kind``).
ENGINE_KINDS = ("neural", "rule-based")


@dataclass(frozen=True, slots=True)
class Model:
    """What produced a translation: recorded with it, and part of the engine signature."""

    name: str
    version: str


@runtime_checkable
class Engine(Protocol):
    """A machine-translation engine: batch-first, sentence-aligned.

    ``translate`` returns exactly one output per input, in order; empty or
    whitespace inputs give ``""``. An engine may also say what it is with a
    ``kind`` attribute, one of ``ENGINE_KINDS`` ("neural", "rule-based"); it is
    optional, so it is not part of the protocol (see ``engine_kind``).
    """

    name: str

    def pairs(self) -> list[tuple[str, str]]:
        """The (source, target) ISO 639-1 pairs this engine translates directly."""
        ...

    def model(self, source: str, target: str) -> Model:
        """The model used for a pair (for provenance)."""
        ...

    def signature(self, source: str, target: str) -> str:
        """Every setting that shapes the output, e.g. ``argos|translate-en_pt-1.0|en-pt``."""
        ...

    def translate(self, texts: Sequence[str], *, source: str, target: str) -> list[str]:
        """Translate ``texts`` from ``source`` to ``target``, one output per input."""
        ...


def engine_kind(engine: object) -> str:
    """``"neural"`` or ``"rule-based"``: an engine's (or engine class's) ``kind`` attribute.

    An engine without one, or with any other value, counts as rule-based: an engine
    of unknown kind is not put before the known neural ones (a project's
    ``[translate] prefer`` list can, see ``annot.translate.routes.rank_engines``).
    """
    return "neural" if getattr(engine, "kind", None) == "neural" else "rule-based"


def format_pairs(pairs: Sequence[tuple[str, str]]) -> str:
    """``en->pt, pt->en`` (or ``none``), for messages."""
    return ", ".join(f"{s}->{t}" for s, t in sorted(pairs)) or "none"


# Where a long text may be cut, best first: after a sentence or clause end,
# after a comma or closing bracket, at any space.
_BREAKS = (re.compile(r"[.!?;:…]\s+"), re.compile(r"[,)\]]\s+"), re.compile(r"\s+"))


def split_long(text: str, limit: int) -> list[str]:
    """Cut ``text`` into pieces of at most ``limit`` characters, at the best break found.

    Breaks are tried after sentence punctuation, then after commas and
    brackets, then at any whitespace, then (no whitespace at all) anywhere.
    ``"".join(pieces) == text``: nothing is dropped, so the engine's outputs for
    the pieces can be rejoined into one translation.
    """
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = 0
        for pattern in _BREAKS:
            ends = [m.end() for m in pattern.finditer(window)]
            if ends and ends[-1] > limit // 4:
                cut = ends[-1]
                break
        cut = cut or limit
        pieces.append(rest[:cut])
        rest = rest[cut:]
    pieces.append(rest)
    return pieces


M = TypeVar("M")


class ModelFolder(Generic[M]):
    """A folder's installed models by pair, read again only when the folder changes.

    Installs and removals rename a model's folder into or out of it, which changes
    its mtime: the engines call ``pairs()`` on every route question, so they read
    the folder once per change, not once per call. The first model ``read`` gives
    for a pair wins (argos lists the newest version of a pair first).

    Args:
        directory: the folder.
        read: lists the models in the folder, each with its (source, target) pair.
    """

    def __init__(self, directory: Path, read: Callable[[Path], Iterable[tuple[tuple[str, str], M]]]) -> None:
        self.directory = directory
        self._read = read
        self._lock = threading.Lock()
        self._scanned: tuple[float, dict[tuple[str, str], M]] | None = None

    def models(self) -> dict[tuple[str, str], M]:
        """Pair -> model; ``{}`` when the folder does not exist."""
        try:
            stamp = self.directory.stat().st_mtime
        except OSError:
            return {}
        with self._lock:
            if self._scanned is None or self._scanned[0] != stamp:
                chosen: dict[tuple[str, str], M] = {}
                for pair, model in self._read(self.directory):
                    chosen.setdefault(pair, model)
                self._scanned = (stamp, chosen)
            return self._scanned[1]


class BaseEngine(ABC):
    """The shared work of every engine; a backend fills ``pairs``, ``model`` and ``_translate``.

    ``translate`` checks the pair (``ModelNotInstalled`` lists what exists),
    skips empty and whitespace texts, splits texts longer than ``max_chars`` at
    natural breaks and rejoins their translations (never truncating), and
    checks the backend returned one output per input.
    """

    name: ClassVar[str]
    #: "neural" or "rule-based" (``ENGINE_KINDS``); a subclass that does not say counts as rule-based.
    kind: ClassVar[str]
    #: Longest text handed to the backend in one piece (characters).
    max_chars: ClassVar[int] = 1000
    #: How to add models, for ModelNotInstalled messages.
    add_model_hint: ClassVar[str] = ""

    @abstractmethod
    def pairs(self) -> list[tuple[str, str]]:
        """The (source, target) pairs this engine translates directly."""

    @abstractmethod
    def model(self, source: str, target: str) -> Model:
        """The model used for ``source -> target`` (the pair is already checked)."""

    @abstractmethod
    def _translate(self, texts: list[str], source: str, target: str) -> list[str]:
        """Translate non-empty texts of at most ``max_chars``; return one output per input."""

    def signature(self, source: str, target: str) -> str:
        """``name|model-version|source-target``: what a cached translation must match."""
        model = self.model(source, target)
        return f"{self.name}|{model.name}-{model.version}|{source}-{target}"

    def check_pair(self, source: str, target: str) -> None:
        """Raise ``ModelNotInstalled`` unless ``source -> target`` is a direct pair."""
        if (source, target) not in self.pairs():
            hint = f" {self.add_model_hint}" if self.add_model_hint else ""
            raise ModelNotInstalled(
                f"{self.name} has no model for {source}->{target}. Installed: {format_pairs(self.pairs())}.{hint}"
            )

    def translate(self, texts: Sequence[str], *, source: str, target: str) -> list[str]:
        """Translate ``texts``; see the class docstring for what is shared.

        Raises:
            ModelNotInstalled: the pair is not installed.
            PartialTranslation: the backend failed on some texts only (the others' translations are in it).
            EngineError: the backend failed or lost alignment.
        """
        self.check_pair(source, target)
        pieces: list[str] = []
        owners: list[int] = []
        for i, text in enumerate(texts):
            if text.strip():
                for piece in split_long(text, self.max_chars):
                    if piece.strip():
                        pieces.append(piece)
                        owners.append(i)
        failed: dict[int, str] = {}
        try:
            outputs: list[str | None] = list(self._translate(pieces, source, target)) if pieces else []
        except PartialTranslation as exc:  # some pieces failed: their texts fail, the others are kept
            outputs = exc.outputs
            for piece, reason in exc.reasons.items():
                failed.setdefault(owners[piece], reason)
        if len(outputs) != len(pieces):
            raise EngineError(
                f"{self.name} returned {len(outputs)} translations for {len(pieces)} texts ({source}->{target});"
                " the batch was not stored. Retry, or report this as a bug."
            )
        results = [[] for _ in texts]  # type: list[list[str]]
        for owner, output in zip(owners, outputs):
            if owner not in failed:
                results[owner].append((output or "").strip())
        joined = [" ".join(part for part in parts if part) for parts in results]
        if failed:
            raise PartialTranslation([None if i in failed else text for i, text in enumerate(joined)], failed)
        return joined
