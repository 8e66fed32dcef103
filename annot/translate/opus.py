"""CTranslate2 models users bring (OPUS-MT converted with ``ct2-transformers-converter``) as an engine.

Pairs are the ``opus`` models installed in the models folder
(``annot.translate.usermodels``), re-read whenever it changes. Each is a
CTranslate2 model folder with SentencePiece models: ``source.spm`` and
``target.spm`` as OPUS-MT ships them, or one ``sentencepiece.model`` for both
(as in an argos package). Decoding is the argos engine's (``length_penalty`` 0.2,
``replace_unknowns``, beam 4, ``inter_threads`` 2 on 2 cores); the model's
``config.json`` tells CTranslate2 whether to add ``</s>`` to the source. A
multi-target OPUS-MT model gets its target token (``>>ukr<<``) before each
sentence: the model's ``source_prefix``, recorded at install. The
``SpellingGuard`` keeps what the source vocabulary cannot spell away from the
model, as for the argos and bergamot engines.

The signature records the files and settings:
``opus|opus-mt-ru-en-1a2b3c4d5e6f|ru-en|ct2-4.8|beam:4`` (the version is the
first 12 hex digits of the sha256 over the model's files).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from annot.errors import EngineError, EngineNotInstalled
from annot.translate.base import BaseEngine, Model, ModelFolder
from annot.translate.guard import SpellingGuard, translate_guarded
from annot.translate.usermodels import UserModel, models_dir, user_model_pairs

__all__ = ["OpusEngine", "OpusModel", "load_opus"]

INSTALL = "pip install ctranslate2 sentencepiece"
ADD_HINT = "Add one with: annot models install FOLDER --pair SRC-TRG (a CTranslate2 model with source.spm/target.spm)"


@dataclass(slots=True)
class OpusModel:
    """A loaded CTranslate2 model with its SentencePiece models."""

    translator: Any  # ctranslate2.Translator
    source_spm: Any  # sentencepiece.SentencePieceProcessor
    target_spm: Any
    source_prefix: str
    target_prefix: str
    inter_threads: int

    def run(self, texts: list[str], *, beam_size: int = 4, max_batch_size: int = 32) -> list[str]:
        """The model's translations of ``texts``: one ``translate_batch``."""
        prefix = [self.source_prefix] if self.source_prefix else []
        batch = [prefix + self.source_spm.encode(text, out_type=str) for text in texts]
        size = max(1, min(max_batch_size, -(-len(batch) // self.inter_threads)))
        results = self.translator.translate_batch(
            batch,
            max_batch_size=size,
            beam_size=beam_size,
            target_prefix=[[self.target_prefix]] * len(batch) if self.target_prefix else None,
            replace_unknowns=True,
            length_penalty=0.2,
            max_input_length=0,  # the base already cut texts at max_chars: never truncate
            max_decoding_length=512,
        )
        outputs = []
        for result in results:
            tokens = result.hypotheses[0]
            if self.target_prefix and tokens[:1] == [self.target_prefix]:
                tokens = tokens[1:]
            outputs.append(self.target_spm.decode_pieces(tokens).strip())
        return outputs


def load_opus(
    folder: Path, *, source_prefix: str = "", target_prefix: str = "", inter_threads: int = 1,
    intra_threads: int = 1, compute_type: str = "int8",
) -> OpusModel:  # fmt: skip
    """Load the CTranslate2 model in ``folder`` and its SentencePiece models.

    Raises:
        EngineNotInstalled: CTranslate2 or SentencePiece is missing.
    """
    try:
        import ctranslate2
        import sentencepiece
    except ImportError as exc:
        raise EngineNotInstalled(
            f"The opus engine needs CTranslate2 and SentencePiece; install them with: {INSTALL}"
        ) from exc
    shared = folder / "sentencepiece.model"
    source, target = (shared, shared) if shared.is_file() else (folder / "source.spm", folder / "target.spm")
    translator = ctranslate2.Translator(
        str(folder), device="cpu", compute_type=compute_type, inter_threads=inter_threads, intra_threads=intra_threads
    )
    return OpusModel(
        translator,
        sentencepiece.SentencePieceProcessor(model_file=str(source)),
        sentencepiece.SentencePieceProcessor(model_file=str(target)),
        source_prefix,
        target_prefix,
        inter_threads,
    )


class OpusEngine(BaseEngine):
    """The CTranslate2 models users installed (``annot models install FOLDER``), run with CTranslate2.

    Args:
        directory: the models folder; defaults to ``models_dir()`` (``$ANNOT_MODELS``...).
        beam_size: beam width (1 is greedy).
        inter_threads: batches decoded at once; defaults to min(2, CPU cores).

    Raises:
        EngineNotInstalled: CTranslate2 is missing.
    """

    name = "opus"
    kind = "neural"
    add_model_hint = ADD_HINT
    max_chars = 1000

    def __init__(
        self, *, directory: str | os.PathLike[str] | None = None, beam_size: int = 4, inter_threads: int | None = None
    ) -> None:
        try:
            import ctranslate2
        except ImportError as exc:
            raise EngineNotInstalled(f"The opus engine needs CTranslate2; install it with: {INSTALL}") from exc
        if beam_size < 1:
            raise ValueError(f"beam_size must be at least 1, not {beam_size}")
        self._ct2_version = ".".join(ctranslate2.__version__.split(".")[:2])
        self._directory = Path(directory) if directory is not None else models_dir()
        self.beam_size = beam_size
        self.inter_threads = inter_threads or max(1, min(2, os.cpu_count() or 1))
        self._lock = threading.Lock()
        self._folder = ModelFolder(self._directory, partial(user_model_pairs, "opus"))
        self._loaded: dict[tuple[str, str], tuple[UserModel, OpusModel, SpellingGuard]] = {}

    def __repr__(self) -> str:
        return f"OpusEngine({str(self._directory)!r}, beam_size={self.beam_size}, pairs={self.pairs()})"

    def _models(self) -> dict[tuple[str, str], UserModel]:
        return self._folder.models()

    def pairs(self) -> list[tuple[str, str]]:
        """The pairs of the installed CTranslate2 models."""
        return sorted(self._models())

    def installed(self, source: str, target: str) -> UserModel:
        """The model used for ``source -> target``.

        Raises:
            ModelNotInstalled: none installed for the pair.
        """
        self.check_pair(source, target)
        return self._models()[(source, target)]

    def model(self, source: str, target: str) -> Model:
        """The name it was installed under and the start of its files' sha256."""
        installed = self.installed(source, target)
        return Model(installed.name, installed.version)

    def signature(self, source: str, target: str) -> str:
        """``opus|opus-mt-ru-en-1a2b3c4d5e6f|ru-en|ct2-4.8|beam:4``, ``|src:>>ukr<<`` with a source prefix."""
        installed = self.installed(source, target)
        prefixes = "".join(
            f"|{key}:{value}" for key, value in (("src", installed.source_prefix), ("tgt", installed.target_prefix))
            if value
        )  # fmt: skip
        return f"{super().signature(source, target)}|ct2-{self._ct2_version}|beam:{self.beam_size}{prefixes}"

    def _load(self, source: str, target: str) -> tuple[OpusModel, SpellingGuard]:
        installed = self.installed(source, target)
        with self._lock:
            loaded = self._loaded.get(installed.pair)
            if loaded is not None and loaded[0] == installed:
                return loaded[1], loaded[2]
            try:
                model = load_opus(
                    installed.path,
                    source_prefix=installed.source_prefix,
                    target_prefix=installed.target_prefix,
                    inter_threads=self.inter_threads,
                )
            except (OSError, RuntimeError, ValueError) as exc:
                raise EngineError(
                    f"Cannot load the CTranslate2 model {installed.path}: {exc}."
                    f" Reinstall it with: annot models install FOLDER --pair {source}-{target}"
                ) from exc
            guard = SpellingGuard.from_sentencepiece(model.source_spm)
            self._loaded[installed.pair] = (installed, model, guard)
            return model, guard

    def _translate(self, texts: list[str], source: str, target: str) -> list[str]:
        model, guard = self._load(source, target)

        def run(batch: list[str]) -> list[str]:
            try:
                return model.run(batch, beam_size=self.beam_size)
            except (RuntimeError, ValueError) as exc:
                raise EngineError(f"CTranslate2 failed on {len(batch)} sentences ({source}->{target}): {exc}") from exc

        return translate_guarded(texts, run, guard)
