"""argostranslate's installed packages as an engine: CTranslate2 batches, one output per sentence.

annot hands the engine sentences it has already segmented, so argos's own
sentence splitting (stanza or MiniSBD, which downloads a model on first use) is
bypassed, not configured: the engine takes argos's installed ``Package``
objects (metadata, tokenizer, ``model/``) and runs the package's CTranslate2
model itself, with all sentences of a call in one ``translate_batch``:

- decoding as argos's ``apply_packaged_translation`` does (``length_penalty``
  0.2, ``replace_unknowns``, the package's ``target_prefix``), ``beam_size`` 4
  by default as argos's ``ARGOS_BEAM_SIZE``;
- the package's lexical shortlist (``model/vmap.txt``, see
  ``annot.translate.models``) when it has one: only the target tokens likely
  for the sentence's words are scored, 2.5x faster at beam 4; the output is
  the same for 92-99% of sentences (measured on 147), a different word choice
  for the rest (``shortlist=False`` turns it off; the signature says ``lex``);
- ``inter_threads`` 2 (two batches decoded at once, one per core) and
  ``intra_threads`` 1: on 2 cores the fastest combination measured, ~2x argos's
  own (one batch at a time over all cores; a model this small cannot keep two
  cores busy on one batch).

The shipped models' SentencePiece vocabulary cannot spell ``“ ” ’ — … < @ # €``
and more; such a character reaches the model as ``<unk>`` and comes out as
``*``, ``-`` or nothing, sometimes with the rest of the sentence. The
``SpellingGuard`` of ``annot.translate.guard`` therefore keeps them out of the
model (and is shared with the bergamot engine, whose models have the same vocabulary).

Output is SentencePiece's decoding of the best hypothesis: unlike argos's
``SentencePieceTokenizer.decode`` it does not turn ``_`` into a space, so
``file_name.txt`` survives. ``translate_hypotheses`` gives argos's own
``Hypothesis`` objects (n-best, with scores) through argos's
``apply_packaged_translation``, handed a splitter that keeps the text whole.

Pairs are the installed packages (``annot.translate.models.list_models``),
re-read whenever the packages folder changes; a pair with several versions uses
the newest. The signature records what shapes the output, e.g.
``argos|translate-en_pt-1.0|en-pt|ct2-4.8|beam:4|lex`` (``lex``: shortlist used).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annot.errors import EngineError, EngineNotInstalled
from annot.translate.base import BaseEngine, Model, ModelFolder
from annot.translate.guard import SpellingGuard, translate_guarded
from annot.translate.models import (
    ARGOS_INSTALL,
    INSTALL_HINT,
    InstalledModel,
    import_argos,
    list_models,
    packages_dir,
)
from annot.translate.shortlist import write_shortlist

if TYPE_CHECKING:
    import ctranslate2
    from argostranslate.translate import Hypothesis

__all__ = ["ArgosEngine"]


@dataclass(slots=True)
class _Loaded:
    model: InstalledModel
    package: Any  # argostranslate.package.Package
    translator: ctranslate2.Translator
    use_vmap: bool
    guard: SpellingGuard


class _WholeText:
    """An argos sentence splitter that keeps the text whole: annot has already split it."""

    def __init__(self, pkg: Any) -> None:
        self.pkg = pkg

    def split_sentences(self, text: str) -> list[str]:
        return [text]


class ArgosEngine(BaseEngine):
    """The argos packages installed in annot's argos packages folder, run with CTranslate2.

    Args:
        directory: the packages folder; defaults to ``packages_dir()``
            (``$ANNOT_ARGOS_PACKAGES``, else argostranslate's).
        beam_size: beam width (1 is greedy: ~2x faster).
        shortlist: use a package's lexical shortlist when it has one.
        inter_threads: batches decoded at once; defaults to min(2, CPU cores).
        intra_threads: threads per batch.
        max_batch_size: most sentences per batch.
        compute_type: CTranslate2's compute type (the packages are int8).

    Raises:
        EngineNotInstalled: argostranslate or CTranslate2 is missing.
    """

    name = "argos"
    kind = "neural"
    add_model_hint = INSTALL_HINT
    max_chars = 1000

    def __init__(
        self,
        *,
        directory: str | os.PathLike[str] | None = None,
        beam_size: int = 4,
        shortlist: bool = True,
        inter_threads: int | None = None,
        intra_threads: int = 1,
        max_batch_size: int = 32,
        compute_type: str = "int8",
    ) -> None:
        try:
            import ctranslate2
        except ImportError as exc:
            raise EngineNotInstalled(f"The argos engine needs CTranslate2; install it with: {ARGOS_INSTALL}") from exc
        if beam_size < 1 or max_batch_size < 1 or intra_threads < 0:
            raise ValueError(
                "beam_size and max_batch_size must be at least 1 and intra_threads at least 0,"
                f" not {beam_size}, {max_batch_size}, {intra_threads}"
            )
        self._ctranslate2 = ctranslate2
        self._directory = Path(directory) if directory is not None else packages_dir()
        self.beam_size = beam_size
        self.shortlist = shortlist
        self.inter_threads = inter_threads or max(1, min(2, os.cpu_count() or 1))
        self.intra_threads = intra_threads
        self.max_batch_size = max_batch_size
        self.compute_type = compute_type
        self._lock = threading.Lock()
        # The newest version of a pair first (list_models' order), so it is the one used.
        self._folder = ModelFolder(self._directory, lambda folder: ((m.pair, m) for m in list_models(folder)))
        self._loaded: dict[Path, _Loaded] = {}

    def __repr__(self) -> str:
        return f"ArgosEngine({str(self._directory)!r}, beam_size={self.beam_size}, pairs={self.pairs()})"

    @property
    def directory(self) -> Path:
        """The packages folder this engine reads."""
        return self._directory

    def _models(self) -> dict[tuple[str, str], InstalledModel]:
        return self._folder.models()

    def pairs(self) -> list[tuple[str, str]]:
        """The (source, target) pairs of the installed packages."""
        return sorted(self._models())

    def installed(self, source: str, target: str) -> InstalledModel:
        """The package used for ``source -> target``.

        Raises:
            ModelNotInstalled: no package for the pair (the message lists the installed pairs).
        """
        self.check_pair(source, target)
        return self._models()[(source, target)]

    def model(self, source: str, target: str) -> Model:
        """The package's argospm name and version, e.g. ``translate-en_pt`` ``1.0``."""
        installed = self.installed(source, target)
        return Model(installed.name, installed.version)

    def signature(self, source: str, target: str) -> str:
        """``argos|translate-en_pt-1.0|en-pt|ct2-4.8|beam:4|lex``; see the module docstring."""
        version = ".".join(self._ctranslate2.__version__.split(".")[:2])
        lex = "|lex" if self._uses_shortlist(self.installed(source, target)) else ""
        compute = "" if self.compute_type == "int8" else f"|{self.compute_type}"
        return f"{super().signature(source, target)}|ct2-{version}{compute}|beam:{self.beam_size}{lex}"

    def _uses_shortlist(self, installed: InstalledModel) -> bool:
        return self.shortlist and write_shortlist(installed) is not None

    def _load(self, source: str, target: str) -> _Loaded:
        installed = self.installed(source, target)
        with self._lock:
            loaded = self._loaded.get(installed.path)
            if loaded is not None and loaded.model == installed:
                return loaded
            package_module = import_argos().package
            try:
                package = package_module.Package(installed.path)
                translator = self._ctranslate2.Translator(
                    str(installed.path / "model"),
                    device="cpu",
                    compute_type=self.compute_type,
                    inter_threads=self.inter_threads,
                    intra_threads=self.intra_threads,
                )
                guard = SpellingGuard.from_sentencepiece(package.tokenizer.lazy_processor())
            except (OSError, RuntimeError, ValueError) as exc:
                raise EngineError(
                    f"Cannot load the argos package {installed.path}: {exc}."
                    " Reinstall it with: annot models install FILE.argosmodel"
                ) from exc
            loaded = _Loaded(installed, package, translator, self._uses_shortlist(installed), guard)
            self._loaded[installed.path] = loaded
            return loaded

    def _options(self, loaded: _Loaded, count: int) -> dict[str, Any]:
        prefix = loaded.package.target_prefix
        return {
            "target_prefix": [[prefix]] * count if prefix else None,
            "replace_unknowns": True,
            "length_penalty": 0.2,
            "max_input_length": 0,  # the base already cut texts at max_chars: never truncate
            "max_decoding_length": 512,
        }

    def _decode(self, loaded: _Loaded, tokens: list[str]) -> str:
        text = loaded.package.tokenizer.lazy_processor().decode_pieces(tokens)
        prefix = loaded.package.target_prefix
        if prefix and text.startswith(prefix):
            text = text[len(prefix) :]
        return text.strip()

    def _run(self, loaded: _Loaded, texts: list[str], source: str, target: str) -> list[str]:
        """The raw model on normalized texts: one ``translate_batch``."""
        tokenizer = loaded.package.tokenizer
        batch = [tokenizer.encode(text) for text in texts]
        # Enough batches to keep every worker busy, none larger than max_batch_size.
        size = max(1, min(self.max_batch_size, -(-len(batch) // self.inter_threads)))
        try:
            results = loaded.translator.translate_batch(
                batch,
                max_batch_size=size,
                beam_size=self.beam_size,
                use_vmap=loaded.use_vmap,
                **self._options(loaded, len(batch)),
            )
        except (RuntimeError, ValueError) as exc:
            raise EngineError(f"CTranslate2 failed on {len(texts)} sentences ({source}->{target}): {exc}") from exc
        return [self._decode(loaded, result.hypotheses[0]) for result in results]

    def _translate(self, texts: list[str], source: str, target: str) -> list[str]:
        loaded = self._load(source, target)
        return translate_guarded(texts, lambda batch: self._run(loaded, batch, source, target), loaded.guard)

    def translate_hypotheses(self, text: str, *, source: str, target: str, n: int = 4) -> list[Hypothesis]:
        """The ``n`` best translations of one sentence, best first, with their scores.

        Runs argos's own ``apply_packaged_translation`` (beam ``max(n,
        ARGOS_BEAM_SIZE)``, no shortlist, no ``SpellingGuard``) with a splitter
        that keeps ``text`` whole.

        Returns:
            argostranslate ``Hypothesis`` objects (``value``, ``score``: a log-probability).

        Raises:
            ModelNotInstalled: no package for the pair.
            EngineError: CTranslate2 failed.
        """
        if n < 1:
            raise ValueError(f"n must be at least 1, not {n}")
        loaded = self._load(source, target)
        argos = import_argos()
        if not text.strip():
            return [argos.Hypothesis("", 0.0) for _ in range(n)]
        try:
            found = argos.apply_packaged_translation(
                loaded.package, text.strip(), loaded.translator, _WholeText(loaded.package), n
            )
        except (RuntimeError, ValueError) as exc:
            raise EngineError(f"CTranslate2 failed on {text[:60]!r} ({source}->{target}): {exc}") from exc
        return sorted(found, reverse=True)
