"""``annot models install PATH``: which kind of model a path holds, and the installer that takes it.

- an annot model bundle (``annot models fetch``): ``annot.translate.bundle``;
- an ``.argosmodel`` (or any zip laid out as one): ``annot.translate.models``, into argos's packages folder;
- a Bergamot or CTranslate2 model folder, or a ``.zip``/``.tar``/``.tar.gz`` archive of one:
  ``annot.translate.usermodels``, into annot's models folder.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path, PurePosixPath

from annot.errors import EngineError
from annot.translate.bundle import install_bundle, is_bundle
from annot.translate.models import InstalledModel, install_model
from annot.translate.usermodels import UserModel, install_user_model, parse_pair

__all__ = ["Installed", "describe_installed", "install_path"]

#: What ``install_path`` returns: an argos package or a model a user brought.
Installed = InstalledModel | UserModel


def _looks_argos(path: Path) -> bool:
    """A zip of one folder holding ``metadata.json`` and ``model/model.bin``, whatever its name."""
    if path.suffix == ".argosmodel":
        return True
    try:
        with zipfile.ZipFile(path) as archive:
            names = {PurePosixPath(*PurePosixPath(n).parts[1:]).as_posix() for n in archive.namelist()}
    except (zipfile.BadZipFile, OSError):
        return False
    return {"metadata.json", "model/model.bin"} <= names


def install_path(
    path: str | os.PathLike[str],
    *,
    pair: str | None = None,
    licence: str | None = None,
    source_prefix: str = "",
    target_prefix: str = "",
) -> list[Installed]:
    """Install what ``path`` holds with the installer for its kind (see the module docstring).

    Args:
        path: a bundle, an ``.argosmodel``, a model folder or an archive of one.
        pair: ``"ru-en"``: the pair when the files do not say; must agree when they do.
        licence: the licence to record when the files do not name one.
        source_prefix: a token put before every sentence (OPUS-MT multi-target: ``>>ukr<<``).
        target_prefix: a token the translation starts with.

    Returns:
        The installed models (several for a bundle).

    Raises:
        EngineError: the path is missing or refused (one line; nothing is installed).
    """
    source = Path(path)
    given = parse_pair(pair) if pair else None
    if not source.exists():
        raise EngineError(f"No such file or folder: {source} (check the path).")
    if source.is_file() and is_bundle(source):
        if given or licence or source_prefix or target_prefix:
            raise EngineError(
                f"{source} is a bundle: its manifest gives each model's pair and licence; drop --pair,"
                " --licence and the prefixes."
            )
        return list(install_bundle(source))
    if source.is_file() and _looks_argos(source):
        if source_prefix or target_prefix:
            raise EngineError(f"{source} is an argos package: its metadata.json sets its prefix; drop the prefixes.")
        return [install_model(source, pair=given, licence=licence)]
    model = install_user_model(
        source, pair=given, licence=licence, source_prefix=source_prefix, target_prefix=target_prefix
    )
    return [model]


def describe_installed(model: Installed) -> str:
    """One line for a model: ``ru->en  bergamot  ruen-1693087644 1a2b3c4d5e6f  /path``."""
    if isinstance(model, UserModel):
        engine, name, version = model.engine, model.name, model.version
    else:
        engine, name, version = "argos", model.name, model.version
    return f"{model.pair[0]}->{model.pair[1]}  {engine}  {name} {version}  {model.path}"
