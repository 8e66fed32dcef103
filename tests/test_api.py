"""The public surface: a sorted, complete __all__ and a light import."""

from __future__ import annotations

import subprocess
import sys

import annot


def test_all_is_sorted_and_unique():
    assert list(annot.__all__) == sorted(set(annot.__all__))


def test_all_names_exist_and_public_names_are_listed():
    for name in annot.__all__:
        assert hasattr(annot, name), name
    public = {
        n
        for n, v in vars(annot).items()
        if not n.startswith("_") and not isinstance(v, type(sys)) and n != "annotations"  # the __future__ flag
    }
    assert public <= set(annot.__all__), public - set(annot.__all__)


def test_import_annot_does_not_load_heavy_libraries():
    code = (
        "import sys, annot; heavy = [m for m in ('pandas', 'lingua', 'trafilatura', 'pysbd', 'charset_normalizer', "
        "'typer', 'rich', 'sacrebleu', 'babel', 'matplotlib', 'numpy') if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_errors_share_one_root():
    for name in (
        "CorpusError",
        "EditConflict",
        "FormatError",
        "NotFound",
        "OutputError",
        "SchemaError",
        "SpanError",
        "StoreError",
    ):
        assert issubclass(getattr(annot, name), annot.AnnotError)
