"""Model bundles: argos packages fetched on a connected machine into one file, installed on an air-gapped one.

``fetch_bundle`` reads an Argos package index (argospm's ``index.json``: a JSON
list of packages with ``from_code``, ``to_code``, ``package_version``, ``links``;
a mirror may add ``sha256`` or ``checksum``), downloads the newest package of each
pair asked for, and checks each download before writing anything: the sha256
the index gives, if any (always computed and recorded); a zip that opens and
holds a valid argos translate package (``annot.translate.models``) of that
pair. A download that fails a check is refused with one line naming the
package and the fix, and no bundle is written. The bundle is then written
whole or not at all (``annot.fileio``).

A bundle is an uncompressed tar (the packages are zips already)::

    manifest.json             {"format": "annot-models/1", "created_at", "index", "models": [...]}
    models/<file>.argosmodel  one per model: engine, from_code, to_code, file, sha256, size, source,
                              name, package_version, licence in the manifest

``install_bundle`` checks every file's sha256 against the manifest before it
installs any, then installs each with its engine's installer.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urljoin, urlparse

from annot.errors import EngineError
from annot.fileio import atomic_binary_file
from annot.progress import Progress, resolve_progress
from annot.translate.models import InstalledModel, check_package, install_model
from annot.translate.usermodels import UserModel, install_user_model, licence_in_text, parse_pair

__all__ = [
    "BUNDLE_FORMAT",
    "BUNDLE_SUFFIX",
    "DEFAULT_INDEX",
    "bundle_name",
    "fetch_bundle",
    "install_bundle",
    "is_bundle",
]

BUNDLE_FORMAT = "annot-models/1"
BUNDLE_SUFFIX = ".annot-models"
#: argospm's package index.
DEFAULT_INDEX = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
_MANIFEST = "manifest.json"
_BLOCK = 1 << 16


def bundle_name(pairs: Sequence[tuple[str, str]]) -> str:
    """The file ``annot models fetch`` writes by default: ``models-ru_en-uk_en.annot-models``."""
    return "models-" + "-".join(f"{s}_{t}" for s, t in pairs) + BUNDLE_SUFFIX


def _http_failure(exc: Exception) -> str:
    """httpx's error in a few words: ``HTTP 404 Not Found``, ``ConnectError: [Errno 111] Connection refused``."""
    response = getattr(exc, "response", None)  # httpx.HTTPStatusError's
    if response is not None:
        return f"HTTP {response.status_code} {response.reason_phrase}"
    first = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {first[0]}" if first else type(exc).__name__


def _is_url(text: str) -> bool:
    return urlparse(text).scheme in ("http", "https")


def _local(text: str) -> Path:
    return Path(unquote(urlparse(text).path)) if text.startswith("file:") else Path(text).expanduser()


def read_index(index: str, *, timeout: float = 60.0) -> list[dict[str, Any]]:
    """The packages of an Argos package index at an http(s) URL, a ``file:`` URL or a local path.

    Raises:
        EngineError: it cannot be read or is not a JSON list of packages.
    """
    try:
        if _is_url(index):
            import httpx

            response = httpx.get(index, timeout=timeout, follow_redirects=True)
            response.raise_for_status()
            data = response.content
        else:
            data = _local(index).read_bytes()
    except OSError as exc:
        raise EngineError(f"Cannot read the package index {index}: {exc.strerror or exc}. Check the path.") from exc
    except Exception as exc:  # httpx.HTTPError and its tree
        if type(exc).__module__.split(".")[0] != "httpx":
            raise
        raise EngineError(
            f"Cannot download the package index {index}: {_http_failure(exc)}. Check the URL and the network."
        ) from exc
    try:
        packages = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise EngineError(f"{index} is not a package index (not JSON: {exc}); give argospm's index.json.") from exc
    if not isinstance(packages, list) or not all(isinstance(p, dict) for p in packages):
        raise EngineError(f"{index} is not a package index (expected a JSON list of packages, as argospm's).")
    return packages


def _version_key(package: dict[str, Any]) -> Any:
    from packaging.version import InvalidVersion, Version

    try:
        return (1, Version(str(package.get("package_version", ""))))
    except InvalidVersion:
        return (0, str(package.get("package_version", "")))


def _choose(packages: list[dict[str, Any]], pair: tuple[str, str], index: str) -> dict[str, Any]:
    found = [
        p
        for p in packages
        if p.get("type", "translate") == "translate" and (p.get("from_code"), p.get("to_code")) == pair
    ]
    if not found:
        has = sorted({f"{p.get('from_code')}-{p.get('to_code')}" for p in packages if p.get("from_code")})
        raise EngineError(
            f"The package index {index} has no argos package for {pair[0]}->{pair[1]}; it has:"
            f" {', '.join(has[:60]) or 'none'}. Ask for one of those, or give another --index."
        )
    return max(found, key=_version_key)


def _expected_sha256(package: dict[str, Any]) -> str | None:
    value = package.get("sha256") or package.get("checksum")
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().lower().removeprefix("sha256:")


def _links(package: dict[str, Any], index: str) -> list[str]:
    """The package's download links, relative ones resolved against the index (a mirror's own layout)."""
    links = [str(link) for link in package.get("links") or [] if isinstance(link, str)]
    base = index if _is_url(index) or index.startswith("file:") else None
    resolved = []
    for link in links:
        scheme = urlparse(link).scheme
        if scheme in ("http", "https", "file"):
            resolved.append(link)
        elif not scheme or len(scheme) == 1:  # a relative link, or a Windows drive letter
            resolved.append(urljoin(base, link) if base else str(_local(index).parent / link))
    return resolved


def _write_hashed(blocks: Iterable[bytes], into: Path, tick: Callable[[int], None] | None = None) -> tuple[str, int]:
    """Write ``blocks`` to ``into``; returns their sha256 and size. ``tick(bytes so far)`` after each block."""
    digest, done = hashlib.sha256(), 0
    with into.open("wb") as out:
        for block in blocks:
            out.write(block)
            digest.update(block)
            done += len(block)
            if tick:
                tick(done)
    return digest.hexdigest(), done


def _download(link: str, into: Path, *, timeout: float, progress: Progress | None, what: str) -> str:
    """Copy ``link`` to ``into``; returns its sha256. Raises OSError or httpx's errors."""
    if _is_url(link):
        import httpx

        with httpx.stream("GET", link, timeout=timeout, follow_redirects=True) as response:
            response.raise_for_status()
            total = int(response.headers.get("content-length") or 0)
            tick = (lambda done: progress(done, max(total, done), what)) if progress else None
            sha256, done = _write_hashed(response.iter_bytes(_BLOCK), into, tick)
            if total and done != total:
                raise OSError(f"received {done} of {total} bytes")
            return sha256
    with _local(link).open("rb") as source:
        size = os.fstat(source.fileno()).st_size
        tick = (lambda done: progress(done, size, what)) if progress else None
        return _write_hashed(iter(partial(source.read, _BLOCK), b""), into, tick)[0]


def _fetch_one(
    package: dict[str, Any], pair: tuple[str, str], index: str, folder: Path, timeout: float, progress: Progress | None
) -> dict[str, Any]:
    name = str(package.get("code") or f"translate-{pair[0]}_{pair[1]}")
    version = str(package.get("package_version") or "")
    label = f"{name} {version}".strip()
    links = _links(package, index)
    if not links:
        raise EngineError(f"The package index {index} gives no http(s) link for {label}; use another --index.")
    filename = f"{name}-{version.replace('.', '_')}.argosmodel" if version else f"{name}.argosmodel"
    path = folder / filename
    failures = []
    for link in links:
        try:
            sha256 = _download(link, path, timeout=timeout, progress=progress, what=f"{pair[0]}->{pair[1]} {filename}")
            break
        except OSError as exc:
            failures.append(f"{link}: {exc.strerror or exc}")
        except Exception as exc:  # httpx.HTTPError and its tree
            if type(exc).__module__.split(".")[0] != "httpx":
                raise
            failures.append(f"{link}: {_http_failure(exc)}")
    else:
        raise EngineError(
            f"Cannot download {label}: {'; '.join(failures)[:300]}. Check the network or the --index mirror;"
            " no bundle was written."
        )
    expected = _expected_sha256(package)
    if expected is not None and expected != sha256:
        raise EngineError(
            f"The download of {label} from {link} is corrupted: its sha256 is {sha256[:16]}..., the index says"
            f" {expected[:16]}...; no bundle was written. Fetch again, or use another mirror (--index)."
        )

    def refusal(_: Path, reason: str) -> EngineError:
        return EngineError(
            f"The download of {label} from {link} is not a valid argos package ({reason}); it may be truncated."
            " No bundle was written; fetch again, or use another mirror (--index)."
        )

    top, metadata = check_package(path, refusal=refusal)
    got = (metadata.get("from_code"), metadata.get("to_code"))
    if got != pair:
        raise EngineError(
            f"The index lists {label} as {pair[0]}->{pair[1]} but the package is {got[0]}->{got[1]};"
            " no bundle was written. Report it to the index's maintainers, or use another --index."
        )
    with zipfile.ZipFile(path) as archive:
        readme = f"{top}/README.md"
        text = archive.read(readme).decode("utf-8", "replace") if readme in archive.namelist() else ""
    return {
        "engine": "argos",
        "from_code": pair[0],
        "to_code": pair[1],
        "file": f"models/{filename}",
        "sha256": sha256,
        "size": path.stat().st_size,
        "source": link,
        "name": name,
        "package_version": version,
        "licence": package.get("license") or package.get("licence") or licence_in_text(text),
    }


def fetch_bundle(
    pairs: Sequence[str | tuple[str, str]],
    *,
    index: str = DEFAULT_INDEX,
    output: str | os.PathLike[str],
    timeout: float = 60.0,
    progress: Progress | bool | None = None,
) -> dict[str, Any]:
    """Download the newest argos package of each pair from a package index and write them as one bundle.

    Args:
        pairs: ``"ru-en"`` or ``("ru", "en")``, one per model.
        index: the index's http(s) URL, ``file:`` URL or local path (a mirror).
        output: the bundle file to write.
        timeout: seconds to wait for the server on each connection and read.
        progress: a ``progress(done, total, what)`` callback (bytes), or True for a progress bar.

    Returns:
        The bundle's manifest.

    Raises:
        EngineError: an unknown pair, a package missing from the index, a failed or corrupted
            download (checksum, truncated zip, another pair); no bundle is written.
        OutputError: the bundle cannot be written there.
    """
    wanted = list(dict.fromkeys(parse_pair(p) if isinstance(p, str) else p for p in pairs))
    if not wanted:
        raise EngineError("Name at least one language pair to fetch, e.g. annot models fetch ru-en uk-en.")
    packages = read_index(index, timeout=timeout)
    chosen = [(pair, _choose(packages, pair, index)) for pair in wanted]
    target = Path(output)
    with tempfile.TemporaryDirectory(prefix="annot-fetch-") as tmp, resolve_progress(progress, "Downloading") as bar:
        folder = Path(tmp)
        entries = [_fetch_one(package, pair, index, folder, timeout, bar) for pair, package in chosen]
        manifest = {
            "format": BUNDLE_FORMAT,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "index": index,
            "models": entries,
        }
        data = json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8")
        with atomic_binary_file(target) as out, tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
            info = tarfile.TarInfo(_MANIFEST)
            info.size, info.mtime = len(data), int(datetime.now(UTC).timestamp())
            tar.addfile(info, io.BytesIO(data))
            for entry in entries:
                tar.add(folder / PurePosixPath(entry["file"]).name, arcname=entry["file"], recursive=False)
    return manifest


def _read_manifest(tar: tarfile.TarFile, path: Path) -> dict[str, Any]:
    try:
        member = tar.extractfile(_MANIFEST)
        manifest = json.loads(member.read().decode("utf-8")) if member else None
    except (KeyError, UnicodeDecodeError, ValueError) as exc:
        raise EngineError(f"{path} is not an annot model bundle (no valid {_MANIFEST}: {exc}).") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != BUNDLE_FORMAT:
        raise EngineError(f"{path} is not an annot model bundle ({_MANIFEST} lacks format {BUNDLE_FORMAT!r}).")
    models = manifest.get("models")
    keys = ("engine", "from_code", "to_code", "file", "sha256")
    if not isinstance(models, list) or not all(isinstance(m, dict) and all(k in m for k in keys) for m in models):
        raise EngineError(f"{path}: its {_MANIFEST} lists no models (or lacks {', '.join(keys)}); fetch it again.")
    return manifest


def is_bundle(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a tar whose first member is an annot bundle's ``manifest.json``."""
    source = Path(path)
    if not source.is_file() or not tarfile.is_tarfile(source):
        return False
    try:
        with tarfile.open(source) as tar:
            first = tar.next()
            return first is not None and first.name == _MANIFEST
    except (tarfile.TarError, OSError, EOFError):
        return False


def install_bundle(
    path: str | os.PathLike[str],
    *,
    argos_directory: str | os.PathLike[str] | None = None,
    directory: str | os.PathLike[str] | None = None,
) -> list[InstalledModel | UserModel]:
    """Install every model of a bundle written by ``fetch_bundle``, after checking each file's sha256.

    Args:
        path: the bundle file.
        argos_directory: the argos packages folder; defaults to ``packages_dir()``.
        directory: the folder of the other models users bring; defaults to ``models_dir()``.

    Returns:
        The installed models, in the manifest's order.

    Raises:
        EngineError: not a bundle, damaged (truncated, a file's sha256 differs from the manifest:
            nothing is installed), or a model cannot be installed.
    """
    source = Path(path)
    if not source.is_file():
        raise EngineError(f"No such file: {source} (check the path).")
    with tempfile.TemporaryDirectory(prefix="annot-bundle-") as tmp:
        files: list[tuple[dict[str, Any], Path]] = []
        try:
            with tarfile.open(source) as tar:
                manifest = _read_manifest(tar, source)
                for entry in manifest["models"]:
                    files.append((entry, _extract_checked(tar, entry, Path(tmp), source)))
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise EngineError(
                f"{source} is a damaged bundle ({exc}); copy it again from the connected machine."
                " Nothing was installed."
            ) from exc
        installed: list[InstalledModel | UserModel] = []
        for entry, file in files:
            pair = (str(entry["from_code"]), str(entry["to_code"]))
            origin, licence = str(entry.get("source") or source), entry.get("licence")
            if entry["engine"] == "argos":
                installed.append(
                    install_model(file, directory=argos_directory, pair=pair, origin=origin, licence=licence)
                )
            else:
                installed.append(
                    install_user_model(
                        file,
                        pair=pair,
                        licence=licence,
                        origin=origin,
                        directory=directory,
                        source_prefix=str(entry.get("source_prefix") or ""),
                        target_prefix=str(entry.get("target_prefix") or ""),
                    )
                )
        return installed


def _extract_checked(tar: tarfile.TarFile, entry: dict[str, Any], folder: Path, source: Path) -> Path:
    """Extract one model file of the bundle into ``folder``, refusing it unless its sha256 is the manifest's."""
    name = str(entry["file"])
    label = f"{entry['from_code']}->{entry['to_code']} ({name})"
    member = tar.extractfile(name) if name in tar.getnames() else None
    if member is None or "/" in PurePosixPath(name).name or ".." in PurePosixPath(name).parts:
        raise EngineError(f"{source} lacks the file of {label} its manifest lists; fetch the bundle again.")
    target = folder / PurePosixPath(name).name
    if _write_hashed(iter(partial(member.read, _BLOCK), b""), target)[0] != str(entry["sha256"]).lower():
        raise EngineError(
            f"{source} is damaged: the sha256 of {label} is not the manifest's. Copy the bundle again;"
            " nothing was installed."
        )
    return target
