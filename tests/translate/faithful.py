"""The check every real engine's output must pass on the seed article."""

from __future__ import annotations

from annot import check_numbers
from tests.translate.conftest import NAMES


def assert_faithful(sources: list[str], outputs: list[str], *, allow_added_numbers: bool = False) -> None:
    """One non-empty output per source; names kept; no number lost (nor added, unless allowed)."""
    assert len(outputs) == len(sources)
    assert all(out.strip() for out in outputs), outputs
    for source, out in zip(sources, outputs):
        for name in NAMES:
            if name in source:
                assert name in out, (name, source, out)
        check = check_numbers(source, out)
        assert (not check.missing) if allow_added_numbers else check.ok, (source, out, check.describe())
