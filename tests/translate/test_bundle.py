"""``annot models fetch`` against a package index served by the test on 127.0.0.1, then ``annot models install``
of the bundle into fresh folders, then translation; corrupted and truncated downloads and bundles are refused."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annot.cli import app
from annot.errors import EngineError
from annot.translate.argos import ArgosEngine
from annot.translate.bundle import fetch_bundle, install_bundle, is_bundle
from annot.translate.models import BUNDLED_DIR, list_models
from annot.translate.usermodels import PROVENANCE

from .test_usermodels import PLAIN, renamed_argos

EN_PT = BUNDLED_DIR / "translate-en_pt-1_0.argosmodel"
PT_EN = BUNDLED_DIR / "translate-pt_en-1_0.argosmodel"
runner = CliRunner()


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path != "/cut.argosmodel":
            super().do_GET()
            return
        data = EN_PT.read_bytes()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))  # promises the whole file, sends half, closes
        self.end_headers()
        self.wfile.write(data[: len(data) // 2])
        self.close_connection = True


@pytest.fixture(scope="module")
def mirror(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An Argos package index and its packages over HTTP on 127.0.0.1: good, wrong-checksum, truncated, mislabelled."""
    root = tmp_path_factory.mktemp("mirror")
    renamed = renamed_argos(root, "en", "gl")
    for path in (EN_PT, PT_EN):
        (root / path.name).write_bytes(path.read_bytes())
    (root / "truncated.argosmodel").write_bytes(EN_PT.read_bytes()[: EN_PT.stat().st_size // 2])
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(root)))
    base = f"http://127.0.0.1:{server.server_address[1]}"  # bound already: requests wait in its backlog

    def entry(source: str, target: str, file: str, **extra: object) -> dict[str, object]:
        return {
            "package_version": "1.0", "argos_version": "1.0", "from_code": source, "to_code": target,
            "type": "translate", "code": f"translate-{source}_{target}", "links": [f"{base}/{file}"], **extra,
        }  # fmt: skip

    index = [
        entry("en", "pt", EN_PT.name, sha256=hashlib.sha256(EN_PT.read_bytes()).hexdigest()),
        entry("pt", "en", PT_EN.name),  # argospm's index gives no checksum: computed and recorded anyway
        entry("en", "gl", renamed.name, checksum="sha256:" + hashlib.sha256(renamed.read_bytes()).hexdigest()),
        entry("en", "ru", EN_PT.name, sha256="0" * 64),  # a corrupted download, as its checksum tells
        entry("en", "it", "truncated.argosmodel"),  # no checksum: the zip check finds it
        entry("en", "fr", PT_EN.name),  # the index says en->fr, the package is pt->en
        entry("en", "de", "missing.argosmodel"),  # 404
        entry("en", "es", "cut.argosmodel"),  # the server closes the connection halfway
    ]
    (root / "index.json").write_text(json.dumps(index), "utf-8")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"{base}/index.json"
    server.shutdown()
    server.server_close()
    thread.join()


def test_bundle_fetch_install_translate(mirror: str, tmp_path: Path, argos_packages: Path):
    bundle = tmp_path / "offline.annot-models"
    seen: list[tuple[int, int, str]] = []
    manifest = fetch_bundle(["en-gl", "pt-en"], index=mirror, output=bundle, progress=lambda *a: seen.append(a))
    assert is_bundle(bundle)
    assert [(m["from_code"], m["to_code"]) for m in manifest["models"]] == [("en", "gl"), ("pt", "en")]
    assert manifest["models"][1]["sha256"] == hashlib.sha256(PT_EN.read_bytes()).hexdigest()
    assert all(m["source"].startswith("http://127.0.0.1:") and m["licence"] == "MPL-2.0" for m in manifest["models"])
    assert seen[-1][0] == seen[-1][1] == PT_EN.stat().st_size and "pt->en" in seen[-1][2]

    packages = tmp_path / "air-gapped" / "packages"
    installed = install_bundle(bundle, argos_directory=packages, directory=tmp_path / "air-gapped" / "models")
    assert [m.pair for m in installed] == [("en", "gl"), ("pt", "en")]
    assert [m.pair for m in list_models(packages)] == [("en", "gl"), ("pt", "en")]
    record = json.loads((installed[0].path / PROVENANCE).read_text("utf-8"))
    assert (
        record["source"] == manifest["models"][0]["source"]
        and record["source_sha256"] == manifest["models"][0]["sha256"]
    )
    engine = ArgosEngine(directory=packages)
    shipped = ArgosEngine(directory=argos_packages)
    assert engine.translate([PLAIN], source="en", target="gl") == shipped.translate([PLAIN], source="en", target="pt")
    assert install_bundle(bundle, argos_directory=packages) == installed  # idempotent


@pytest.mark.parametrize(
    ("pair", "needle"),
    [
        ("en-ru", "The download of translate-en_ru 1.0 from http://127.0.0.1:"),
        ("en-ru", "is corrupted: its sha256 is 48fe0dd061e2271e..., the index says 0000000000000000..."),
        ("en-it", "is not a valid argos package (not a zip archive); it may be truncated. No bundle was written"),
        ("en-es", "Cannot download translate-en_es 1.0: http://127.0.0.1:"),  # the connection closed mid-file
        ("en-fr", "The index lists translate-en_fr 1.0 as en->fr but the package is pt->en"),
        ("en-de", "Cannot download translate-en_de 1.0: http://127.0.0.1:"),
        ("en-eu", "has no argos package for en->eu; it has: en-de, en-es, en-fr, en-gl, en-it, en-pt, en-ru, pt-en."),
    ],
)
def test_bundle_fetch_refuses_a_bad_download_and_writes_no_bundle(mirror: str, tmp_path: Path, pair: str, needle: str):
    bundle = tmp_path / "offline.annot-models"
    with pytest.raises(EngineError) as caught:
        fetch_bundle(["pt-en", pair], index=mirror, output=bundle)  # the good one first: still no bundle
    assert needle in str(caught.value) and "\n" not in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_bundle_fetch_from_a_local_mirror_with_relative_links(tmp_path: Path):
    (tmp_path / "mirror").mkdir()
    (tmp_path / "mirror" / EN_PT.name).write_bytes(EN_PT.read_bytes())
    index = [{"from_code": "en", "to_code": "pt", "package_version": "1.0", "links": [EN_PT.name]}]
    (tmp_path / "mirror" / "index.json").write_text(json.dumps(index), "utf-8")
    manifest = fetch_bundle(
        ["en-pt"], index=str(tmp_path / "mirror" / "index.json"), output=tmp_path / "b.annot-models"
    )
    assert manifest["models"][0]["source"] == str(tmp_path / "mirror" / EN_PT.name)


def _tampered(bundle: Path, target: Path) -> Path:
    """The bundle with one byte of its model changed (the manifest unchanged)."""
    data = bytearray(bundle.read_bytes())
    data[-20_000] ^= 0xFF
    target.write_bytes(bytes(data))
    return target


def test_bundle_install_refuses_a_damaged_bundle_and_installs_nothing(mirror: str, tmp_path: Path):
    bundle = tmp_path / "offline.annot-models"
    fetch_bundle(["en-gl", "pt-en"], index=mirror, output=bundle)
    packages = tmp_path / "packages"
    with pytest.raises(EngineError, match=r"is damaged: the sha256 of pt->en \(models/.*\) is not the manifest's"):
        install_bundle(_tampered(bundle, tmp_path / "tampered.annot-models"), argos_directory=packages)
    truncated = tmp_path / "truncated.annot-models"
    truncated.write_bytes(bundle.read_bytes()[: bundle.stat().st_size - 1_000_000])
    with pytest.raises(EngineError, match=r"is a damaged bundle .*copy it again"):
        install_bundle(truncated, argos_directory=packages)
    assert not packages.exists()


def test_bundle_cli_fetch_then_install(mirror: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ANNOT_ARGOS_PACKAGES", str(tmp_path / "packages"))
    monkeypatch.chdir(tmp_path)
    fetched = runner.invoke(app, ["models", "fetch", "en-gl", "pt-en", "--index", mirror])
    assert fetched.exit_code == 0, fetched.output
    assert "fetched en->gl: translate-en_gl 1.0 sha256 " in fetched.output
    assert "wrote models-en_gl-pt_en.annot-models; on the offline machine: annot models install" in fetched.output
    installed = runner.invoke(app, ["models", "install", "models-en_gl-pt_en.annot-models"])
    assert installed.exit_code == 0, installed.output
    assert "installed en->gl  argos  translate-en_gl 1.0" in installed.output
    assert "installed pt->en  argos  translate-pt_en 1.0" in installed.output
    refused = runner.invoke(app, ["models", "fetch", "en-ru", "--index", mirror, "-o", "x.annot-models"])
    assert refused.exit_code == 2 and refused.output.startswith("error: The download of translate-en_ru 1.0")
    assert refused.output.count("\n") == 1 and not (tmp_path / "x.annot-models").exists()
    offline = runner.invoke(
        app, ["models", "fetch", "en-pt", "--index", "http://127.0.0.1:9/index.json", "--timeout", "5"]
    )
    assert (
        offline.exit_code == 2 and "Cannot download the package index http://127.0.0.1:9/index.json" in offline.output
    )
