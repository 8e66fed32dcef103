"""Argos model packages: check and install ``.argosmodel`` files, list them, give them a lexical shortlist.

Installing and locating models is kept apart from running them (``argos.py``),
as argostranslate keeps ``package.py`` apart from ``translate.py``; Bergamot's
shortlist becomes a package's ``model/vmap.txt`` in ``shortlist.py``.

Where: annot's argos packages folder is ``$ANNOT_ARGOS_PACKAGES`` if set, else
argostranslate's own (``$ARGOS_PACKAGES_DIR``, else
``~/.local/share/argos-translate/packages``), so a package installed with
``argospm`` is seen by annot and one installed by annot is seen by argos.

How: ``install_model`` first checks the file (a zip of one folder holding
``metadata.json`` of type ``translate``, ``model/model.bin`` and
``sentencepiece.model``) and refuses anything else with one line, installing
nothing; then it installs with argostranslate's own
``package.install_from_path``, into a staging folder next to the packages
folder, and moves the result into place, so a crash never leaves half a package
where argos or annot would load it. Installing the same package again changes
nothing; a different version of the same package replaces it.

``import_argos`` imports argostranslate's ``translate`` module (as ``install_from_path``
does) without the ``stanza`` and ``minisbd`` it wants for sentence splitting; see its docstring.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import json
import os
import shutil
import sys
import tempfile
import threading
import types
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from annot.errors import EngineError, EngineNotInstalled
from annot.translate.shortlist import VMAP_NAME, write_shortlist
from annot.translate.usermodels import PROVENANCE, file_sha256, licence_in_text, parse_pair, provenance_record

if TYPE_CHECKING:
    from types import ModuleType

__all__ = [
    "BUNDLED_DIR",
    "ENV_PACKAGES",
    "INSTALL_HINT",
    "InstalledModel",
    "check_package",
    "import_argos",
    "install_bundled",
    "install_model",
    "list_models",
    "packages_dir",
    "write_shortlist",
]

#: Environment variable naming annot's argos packages folder.
ENV_PACKAGES = "ANNOT_ARGOS_PACKAGES"
#: The ``.argosmodel`` files shipped with annot (the repository's ``models/``).
BUNDLED_DIR = Path(__file__).resolve().parents[2] / "models"
INSTALL_HINT = "Add one with: annot models install FILE.argosmodel (or the bundle annot models fetch SRC-TGT writes)"
ARGOS_INSTALL = (
    'pip install --no-deps argostranslate && pip install ctranslate2 sentencepiece "sacremoses<0.2" packaging'
)
_SHAPE = (
    'an .argosmodel is a zip of one folder holding metadata.json (type "translate"),'
    " model/ (a CTranslate2 model) and sentencepiece.model. Nothing was installed."
)
_lock = threading.RLock()


@dataclass(frozen=True, slots=True)
class InstalledModel:
    """An installed argos translation package."""

    from_code: str
    to_code: str
    #: argospm's name for it, e.g. ``translate-en_pt``.
    name: str
    #: the package's ``package_version``, e.g. ``1.0``.
    version: str
    #: the installed folder.
    path: Path

    @property
    def pair(self) -> tuple[str, str]:
        """``(from_code, to_code)``."""
        return (self.from_code, self.to_code)

    @property
    def shortlist(self) -> Path | None:
        """The package's ``model/vmap.txt`` if it has one (see ``write_shortlist``)."""
        path = self.path / "model" / VMAP_NAME
        return path if path.is_file() else None


def _refuse(name: str, package: str) -> Any:
    def refused(*args: object, **kwargs: object) -> None:
        raise EngineError(
            f"{name} was called, but annot loaded argostranslate without {package} because annot splits"
            " sentences itself and never uses argos's splitter. This is a bug in annot; please report it."
        )

    return refused


def _stand_in(name: str) -> ModuleType:
    module = types.ModuleType(
        name, f"annot's stand-in for the missing {name!r}: argos imports it, annot never calls it."
    )
    if name == "stanza":
        module.Pipeline = _refuse("stanza.Pipeline", "stanza")  # type: ignore[attr-defined]
    else:  # minisbd: sbd.py sets models.cache_dir at import, and calls the rest only to split sentences
        module.SBDetect = _refuse("minisbd.SBDetect", "minisbd")  # type: ignore[attr-defined]
        module.models = types.SimpleNamespace(  # type: ignore[attr-defined]
            cache_dir=None, list_models=_refuse("minisbd.models.list_models", "minisbd")
        )
    return module


def _argos_module(name: str) -> ModuleType:
    """``argostranslate.<name>``, or ``EngineNotInstalled`` saying how to install argostranslate."""
    try:
        return importlib.import_module(f"argostranslate.{name}")
    except ImportError as exc:
        raise EngineNotInstalled(
            f"argostranslate cannot be imported ({exc}); install it with: {ARGOS_INSTALL}"
        ) from exc


def import_argos() -> ModuleType:
    """Import ``argostranslate.translate``, even without stanza and minisbd installed.

    argostranslate 1.11's ``sbd.py`` imports ``stanza`` (which pulls in torch)
    and ``minisbd`` (whose splitter downloads an ONNX model on first use)
    unconditionally, and ``translate.py`` imports ``sbd.py``. annot splits
    sentences itself and never calls argos's splitters (it never builds an
    argos ``PackageTranslation``, the only thing that creates them). So for
    each of the two that is *not installed*, a stand-in module is put in
    ``sys.modules`` for the import and taken out again right after: argos's
    ``sbd`` module keeps its reference, ``import stanza`` elsewhere still
    fails as it should, and an installed stanza or minisbd is used as is.
    Calling anything on a stand-in raises ``EngineError`` instead of
    downloading.

    Returns:
        The ``argostranslate.translate`` module.

    Raises:
        EngineNotInstalled: argostranslate (or CTranslate2, SentencePiece) is missing or broken.
    """
    with _lock:
        loaded = sys.modules.get("argostranslate.translate")
        if loaded is not None:
            return loaded
        stand_ins = {}
        for name in ("stanza", "minisbd"):
            try:
                missing = importlib.util.find_spec(name) is None
            except ValueError:  # in sys.modules without a spec
                missing = False
            if missing:
                stand_ins[name] = sys.modules[name] = _stand_in(name)
        try:
            return _argos_module("translate")
        finally:
            for name, module in stand_ins.items():
                if sys.modules.get(name) is module:
                    del sys.modules[name]


def packages_dir() -> Path:
    """annot's argos packages folder: ``$ANNOT_ARGOS_PACKAGES``, else argostranslate's.

    argostranslate's folder is ``$ARGOS_PACKAGES_DIR`` (read when argos is first
    imported), else its ``settings.json``, else ``~/.local/share/argos-translate/packages``.

    Raises:
        EngineNotInstalled: ``ANNOT_ARGOS_PACKAGES`` is unset and argostranslate is missing.
    """
    configured = os.environ.get(ENV_PACKAGES, "").strip()
    if configured:
        return Path(configured).expanduser()
    return Path(_argos_module("settings").package_data_dir)


def _read_installed(folder: Path) -> InstalledModel | None:
    """The complete translate package in ``folder``, or None (not a package, another type, incomplete)."""
    if folder.name.startswith(".") or not (folder / "metadata.json").is_file():
        return None
    if not (folder / "model" / "model.bin").is_file() or not (folder / "sentencepiece.model").is_file():
        return None
    package = _argos_module("package")
    try:
        pkg = package.Package(folder)
    except (OSError, ValueError):
        return None
    if pkg.type != "translate" or not isinstance(pkg.from_code, str) or not isinstance(pkg.to_code, str):
        return None
    return InstalledModel(
        pkg.from_code, pkg.to_code, package.argospm_package_name(pkg), str(pkg.package_version), folder
    )


def _version_key(version: str) -> tuple[int, Any]:
    from packaging.version import InvalidVersion, Version

    try:
        return (1, Version(version))
    except InvalidVersion:
        return (0, version)


def list_models(directory: str | os.PathLike[str] | None = None) -> list[InstalledModel]:
    """The complete argos translation packages installed in ``directory``.

    A package counts when its folder has ``metadata.json`` of type
    ``translate``, ``model/model.bin`` and ``sentencepiece.model``; other
    folders are skipped, never fatal.

    Args:
        directory: a packages folder; defaults to ``packages_dir()``.

    Returns:
        The packages sorted by pair, the newest version of a pair first.
    """
    folder = Path(directory) if directory is not None else packages_dir()
    if not folder.is_dir():
        return []
    found = [model for child in folder.iterdir() if child.is_dir() and (model := _read_installed(child))]
    found.sort(key=lambda m: _version_key(m.version), reverse=True)
    return sorted(found, key=lambda m: m.pair)  # stable: newest first within a pair


def _refused(path: Path, reason: str) -> EngineError:
    return EngineError(f"{path} is not an argos model package ({reason}); {_SHAPE}")


def check_package(path: Path, *, refusal: Callable[[Path, str], EngineError] = _refused) -> tuple[str, dict[str, Any]]:
    """``(top folder, metadata)`` of a valid ``.argosmodel`` (a translate package, its zip intact).

    Args:
        path: the file.
        refusal: words the error from the path and the reason (what to do differs
            between a file being installed and one just downloaded).

    Raises:
        EngineError: made by ``refusal``, saying what is wrong.
    """
    if not path.exists():
        raise EngineError(f"No such file: {path} (check the path).")
    if path.is_dir():
        raise refusal(path, "a folder, not a file")
    if not zipfile.is_zipfile(path):
        raise refusal(path, "not a zip archive")
    try:
        with zipfile.ZipFile(path) as archive:
            names = [info.filename for info in archive.infolist()]
            parts = [PurePosixPath(name).parts for name in names]
            if any(name.startswith("/") or ".." in p or "\\" in name for name, p in zip(names, parts)):
                raise refusal(path, "an entry points outside its folder")
            tops = {p[0] for p in parts if p}
            loose = [name for name, p in zip(names, parts) if len(p) == 1 and not name.endswith("/")]
            if len(tops) != 1 or loose:
                raise refusal(path, f"expected one top folder, found {', '.join(sorted(tops))[:120] or 'nothing'}")
            (top,) = tops
            inside = {PurePosixPath(*p[1:]).as_posix() for p in parts if len(p) > 1}
            if "metadata.json" not in inside:
                raise refusal(path, f"no metadata.json in {top}/")
            try:
                metadata = json.loads(archive.read(f"{top}/metadata.json").decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as exc:
                raise refusal(path, f"metadata.json is not valid JSON: {exc}") from exc
            if not isinstance(metadata, dict):
                raise refusal(path, "metadata.json is not a JSON object")
            kind = metadata.get("type", "translate")  # argos's own default when absent
            if kind != "translate":
                raise refusal(path, f'its type is {kind!r}, annot installs only "translate" packages')
            codes = [metadata.get(key) for key in ("from_code", "to_code")]
            if not all(isinstance(code, str) and code for code in codes):
                raise refusal(path, "metadata.json lacks from_code or to_code")
            if "model/model.bin" not in inside:
                raise refusal(path, f"no model/model.bin (CTranslate2 model) in {top}/")
            if "sentencepiece.model" not in inside:
                raise refusal(path, f"no sentencepiece.model in {top}/ (annot runs SentencePiece packages only)")
            damaged = archive.testzip()
            if damaged is not None:
                raise refusal(path, f"{damaged} is damaged (bad CRC)")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError) as exc:
        raise refusal(path, f"damaged zip archive: {exc}") from exc
    return top, metadata


@contextlib.contextmanager
def _argos_installs_into(folder: Path) -> Iterator[None]:
    """Point argostranslate's installer at ``folder``: it extracts into ``settings.package_data_dir``."""
    settings = importlib.import_module("argostranslate.settings")
    with _lock:
        saved = settings.package_data_dir
        settings.package_data_dir = folder
        try:
            yield
        finally:
            settings.package_data_dir = saved


def _staging_dir(directory: Path) -> Path:
    # Next to the packages folder (same file system, so the final move is a rename),
    # never inside it: argos fails on any folder there without metadata.json.
    try:
        return Path(tempfile.mkdtemp(prefix=".annot-install-", dir=directory.parent))
    except OSError:
        return Path(tempfile.mkdtemp(prefix="annot-install-"))


def install_model(
    path: str | os.PathLike[str],
    *,
    directory: str | os.PathLike[str] | None = None,
    pair: str | tuple[str, str] | None = None,
    origin: str | None = None,
    licence: str | None = None,
) -> InstalledModel:
    """Check an ``.argosmodel`` file and install it with argostranslate's installer.

    Installing the same package (same folder, same ``metadata.json``) again
    changes nothing; another version of it replaces the installed one. A
    lexical shortlist is added when one exists for it (see ``write_shortlist``).
    The package folder gets an ``annot-model.json`` recording where it came
    from, the sha256 of the file and of every file installed, and its licence
    (``annot.translate.usermodels.provenance_record``).

    Args:
        path: the ``.argosmodel`` file.
        directory: the packages folder; defaults to ``packages_dir()``.
        pair: ``"ru-en"``: refuse the package unless its metadata says this pair.
        origin: where it came from (a URL), recorded instead of ``path``.
        licence: its licence, recorded instead of the line its README gives.

    Returns:
        The installed package.

    Raises:
        EngineError: the file is missing or not a valid argos translation package
            (one line saying why; nothing is installed), or installing failed.
        EngineNotInstalled: argostranslate is missing.
    """
    source = Path(path)
    top, metadata = check_package(source)
    found = (str(metadata["from_code"]), str(metadata["to_code"]))
    wanted = parse_pair(pair) if isinstance(pair, str) else pair
    if wanted is not None and wanted != found:
        raise EngineError(
            f"{source} is a package for {found[0]}->{found[1]} (its metadata.json says so), not"
            f" {wanted[0]}->{wanted[1]}: drop --pair, or give --pair {found[0]}-{found[1]}. Nothing was installed."
        )
    folder = Path(directory) if directory is not None else packages_dir()
    target = folder / top
    with _lock:
        current = _read_installed(target)
        if current is not None and _installed_metadata(target) == metadata:
            write_shortlist(current)
            return current
        package = _argos_module("package")
        import_argos()  # install_from_path imports argostranslate.translate to clear its cache
        try:
            folder.mkdir(parents=True, exist_ok=True)
            staging = _staging_dir(folder)
        except OSError as exc:
            raise EngineError(f"Cannot create the argos packages folder {folder}: {exc}") from exc
        try:
            with _argos_installs_into(staging):
                package.install_from_path(source)
            staged = _read_installed(staging / top)
            if staged is None:
                raise EngineError(f"argostranslate installed {source} but {staging / top} is not a complete package.")
            write_shortlist(staged)
            _write_provenance(staged, source, origin, licence)
            if target.exists():
                shutil.move(str(target), str(staging / ".replaced"))
            shutil.move(str(staging / top), str(target))
        except OSError as exc:
            raise EngineError(f"Cannot install {source} into {folder}: {exc}") from exc
        except Exception as exc:  # argos raises bare Exception
            if isinstance(exc, EngineError):
                raise
            raise EngineError(f"argostranslate could not install {source}: {exc}") from exc
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        installed = _read_installed(target)
        if installed is None:  # pragma: no cover - the move above succeeded
            raise EngineError(f"{target} is incomplete after installing {source}; install it again.")
        return installed


def _write_provenance(model: InstalledModel, source: Path, origin: str | None, licence: str | None) -> None:
    files = {
        p.relative_to(model.path).as_posix(): file_sha256(p)
        for p in sorted(model.path.rglob("*"))
        if p.is_file() and p.name != PROVENANCE and p.name != VMAP_NAME  # the shortlist is annot's, not the package's
    }
    readme = model.path / "README.md"
    found = licence_in_text(readme.read_text("utf-8", "replace")) if readme.is_file() else None
    record = provenance_record(
        engine="argos", pair=model.pair, name=model.name, origin=origin or str(source.resolve()), files=files,
        licence=licence or found, licence_file=None if licence or not found else "README.md",
        source_sha256=file_sha256(source), package_version=model.version,
    )  # fmt: skip
    (model.path / PROVENANCE).write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", "utf-8")


def _installed_metadata(folder: Path) -> Any:
    try:
        return json.loads((folder / "metadata.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None


def install_bundled(directory: str | os.PathLike[str] | None = None) -> list[InstalledModel]:
    """Install the ``.argosmodel`` files shipped in the repository's ``models/`` (used by setup and tests).

    Already installed packages are left as they are.

    Args:
        directory: the packages folder; defaults to ``packages_dir()``.

    Returns:
        The installed packages, one per bundled file.

    Raises:
        EngineError: ``models/`` has no ``.argosmodel`` file (annot installed without
            its repository), or a file is not a valid package.
    """
    files = sorted(BUNDLED_DIR.glob("*.argosmodel"))
    if not files:
        raise EngineError(
            f"No .argosmodel files in {BUNDLED_DIR}; they ship in the annot repository's models/ folder."
            f" Install them one by one with: annot models install FILE.argosmodel"
        )
    return [install_model(file, directory=directory) for file in files]
