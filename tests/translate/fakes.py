"""Small fake engines for unit tests of the translation plumbing (never used for real output)."""

from __future__ import annotations

from typing import ClassVar

from annot.errors import EngineError, PartialTranslation
from annot.translate.base import BaseEngine, Model


class UpperEngine(BaseEngine):
    """en->pt, en->es, pt->en: returns ``<target>:`` plus the text upper-cased; counts calls."""

    name = "upper"
    max_chars = 60
    calls: ClassVar[list[list[str]]] = []

    def pairs(self) -> list[tuple[str, str]]:
        return [("en", "pt"), ("en", "es"), ("pt", "en")]

    def model(self, source: str, target: str) -> Model:
        return Model(f"upper-{source}{target}", "1.0")

    def _translate(self, texts: list[str], source: str, target: str) -> list[str]:
        type(self).calls.append(list(texts))
        return [f"{target}:{t.upper()}" for t in texts]


class HopEngine(BaseEngine):
    """Only en->es and es->pt: en->pt must pivot through es."""

    name = "hop"

    def pairs(self) -> list[tuple[str, str]]:
        return [("en", "es"), ("es", "pt")]

    def model(self, source: str, target: str) -> Model:
        return Model(f"hop-{source}{target}", "2")

    def _translate(self, texts: list[str], source: str, target: str) -> list[str]:
        return [f"{target}({t})" for t in texts]


class FlakyEngine(BaseEngine):
    """en->pt that fails on any text containing ``BOOM``."""

    name = "flaky"

    def pairs(self) -> list[tuple[str, str]]:
        return [("en", "pt")]

    def model(self, source: str, target: str) -> Model:
        return Model("flaky", "0")

    def _translate(self, texts: list[str], source: str, target: str) -> list[str]:
        if any("BOOM" in t for t in texts):
            raise EngineError("flaky: backend crashed")
        return [t[::-1] for t in texts]


class CrashyEngine(BaseEngine):
    """en->pt whose backend breaks on any text containing ``BOOM`` and on nothing else, as Apertium's
    rus-ukr tagger does on some sentences: the others of the batch are translated (``PartialTranslation``)."""

    name = "crashy"

    def pairs(self) -> list[tuple[str, str]]:
        return [("en", "pt")]

    def model(self, source: str, target: str) -> Model:
        return Model("crashy", "0")

    def _translate(self, texts: list[str], source: str, target: str) -> list[str]:
        broken = {i: "crashy: tagger crashed" for i, t in enumerate(texts) if "BOOM" in t}
        outputs = [None if i in broken else t[::-1] for i, t in enumerate(texts)]
        if broken:
            raise PartialTranslation(outputs, broken)
        return [t for t in outputs if t is not None]


class ShortEngine(BaseEngine):
    """Returns one output too few: an alignment bug the base must catch."""

    name = "short"

    def pairs(self) -> list[tuple[str, str]]:
        return [("en", "pt")]

    def model(self, source: str, target: str) -> Model:
        return Model("short", "0")

    def _translate(self, texts: list[str], source: str, target: str) -> list[str]:
        return texts[:-1]


FAKES = {cls.name: f"{__name__}:{cls.__name__}" for cls in (UpperEngine, HopEngine, FlakyEngine, ShortEngine)}
