"""Translations in the store: reading one document's, by target language and by sentence."""

from __future__ import annotations

from annot.model import Translation

from .conftest import make_doc


def _tr(doc_id: str, index: int, target: str, engine: str, text: str) -> Translation:
    # A real signature names the pair: one sentence, one signature, one translation.
    signature = f"{engine}|m-1|en-{target}"
    return Translation(doc_id, index, engine, "m", "1", "en", target, f"en>{target}", signature, text)


def test_get_translations_filters_by_target_and_sentence(store, doc):
    store.add_translations([
        _tr(doc.id, 0, "pt", "a", "A Rússia deslocou 9.000 soldados."),
        _tr(doc.id, 1, "pt", "a", "Minsk disse..."),
        _tr(doc.id, 1, "pt", "b", "Minsk afirmou..."),
        _tr(doc.id, 1, "es", "a", "Minsk dijo..."),
        _tr(doc.id, 2, "pt", "a", "Kiev chamou-lhe..."),
    ])  # fmt: skip
    everything = [(t.index, t.target_lang, t.engine) for t in store.get_translations(doc.id)]
    assert everything == [(0, "pt", "a"), (1, "es", "a"), (1, "pt", "a"), (1, "pt", "b"), (2, "pt", "a")]
    sentence = [t.text for t in store.get_translations(doc.id, index=1)]
    assert sentence == ["Minsk dijo...", "Minsk disse...", "Minsk afirmou..."]
    assert [t.engine for t in store.get_translations(doc.id, target="pt", index=1)] == ["a", "b"]
    (first,) = store.get_translations(doc.id, target="pt", index=0)
    assert first.text == "A Rússia deslocou 9.000 soldados."
    assert store.get_translations(doc.id, target="es", index=0) == []
    assert store.get_translations(doc.id, index=99) == []


def test_translation_texts_gives_one_per_sentence_the_first_by_engine(store, doc):
    other, other_sentences = make_doc("Kyiv warned Minsk. Nothing else happened.", "Warning")
    store.add_document(other, other_sentences)
    store.add_translations([
        _tr(doc.id, 1, "pt", "b", "Minsk afirmou..."),
        _tr(doc.id, 1, "pt", "a", "Minsk disse..."),
        _tr(doc.id, 0, "pt", "a", "A Rússia deslocou 9.000 soldados."),
        _tr(doc.id, 2, "es", "a", "Kiev lo llamó..."),
        _tr(other.id, 0, "pt", "a", "Kiev avisou Minsk."),
    ])  # fmt: skip
    frame = store.translations(target="pt")
    first = frame.drop_duplicates(["doc_id", "index"])
    assert store.translation_texts("pt") == dict(zip(zip(first["doc_id"], first["index"]), first["text"]))
    assert store.translation_texts("pt", docs=[doc.id]) == {
        (doc.id, 0): "A Rússia deslocou 9.000 soldados.",
        (doc.id, 1): "Minsk disse...",
    }
    assert store.translation_texts("es", docs=[other.id]) == {}
    assert store.translation_texts("de") == {}
