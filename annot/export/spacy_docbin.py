"""spaCy's binary training format: a ``.spacy`` DocBin of one ``Doc`` per document, read back with spaCy itself.

Export (``write``), per document, tokenized by spaCy's blank tokenizer of its language
(``annot.export.tokens``):

- ``doc.spans["annot"]``: every **accepted** span (overlaps allowed), its ``label_`` annot's label and its
  ``id_`` annot's span id; ``doc.spans["annot.pending"]`` and ``doc.spans["annot.rejected"]`` hold the others,
  so that ``spans_key = "annot"`` trains on decided spans only;
- ``doc.ents``: the accepted ACTORs that overlap no other (the longer, then the earlier, is kept); an
  overlapping ACTOR stays in ``doc.spans`` and is reported as left out of ``doc.ents`` only;
- ``doc.user_data[("annot", start_char, end_char, label, span_id)]``: that span's ``{"attrs", "annotator",
  "status"}`` (the key finds it from a ``Span``: ``start_char``, ``end_char``, ``label_``, ``id_``), and
  ``doc.user_data["annot"]``: the document's metadata (id, title, lang, source, published, ...). The
  DocBin keeps user data (``store_user_data=True``), so ``get_docs`` gives it back.

A span off the token boundaries is left out, counted with an example. The file is what
``DocBin.to_bytes`` writes (decompressed, byte for byte), but built as documents come
(``_DocBinWriter``), so memory stays nearly flat: what it must hold to the end is the DocBin's table of
strings (every distinct token text, label and span id, written sorted after all the tokens), about
0.25 KB per span id.

Import (``read``): the three span groups (``annot`` accepted, the others by name), else a foreign file's
``doc.spans["sc"]`` and ``doc.ents`` as accepted spans; attributes from the user data; a document's
place is ``FILE:N`` (its number in the DocBin, from 1).
"""

from __future__ import annotations

import struct
import tempfile
import zlib
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from annot.errors import FormatError
from annot.export.deflate import Segment, ZlibWriter
from annot.export.formats import DOCUMENT_META_KEYS, ForeignDocument, ForeignSpan, LeftOut, iter_documents
from annot.export.tokens import FALLBACK_LANG, NOT_ON_TOKENS, Tokens, blank, example, kept_attrs
from annot.fileio import atomic_binary_file

__all__ = ["ENTS_LABEL", "GROUPS", "SUFFIX", "read", "to_doc", "user_data_key", "write"]

SUFFIX = "spacy"
Record = dict[str, Any]
#: A document's span groups as rows: (group name, [(id hash, label hash, start token, end token, start, end)]).
Groups = list[tuple[str, list[tuple[int, int, int, int, int, int]]]]
#: Span group -> the status of its spans.
GROUPS = {"annot": "accepted", "annot.pending": "pending", "annot.rejected": "rejected"}
GROUP_OF = {status: group for group, status in GROUPS.items()}
#: The label whose non-overlapping accepted spans are also ``doc.ents``.
ENTS_LABEL = "ACTOR"
OVERLAPPING_ENT = "overlaps another ACTOR (kept in doc.spans, left out of doc.ents)"


def user_data_key(start: int, end: int, label: str, span_id: str) -> tuple[str, int, int, str, str]:
    """Where a span's attributes are in ``doc.user_data``."""
    return ("annot", start, end, label, span_id)


def write(records: Iterable[Record], out: Path, left_out: LeftOut) -> tuple[int, int]:
    """Write annot/1 document records as a ``.spacy`` DocBin to ``out`` (atomically).

    Returns:
        How many documents and spans were written.

    Raises:
        OutputError: ``out`` cannot be written; it is unchanged.
    """
    documents = spans = 0
    with _DocBinWriter() as docbin:
        for record in iter_documents(records):
            doc, ids, groups = _to_doc(record, left_out, packed=True)
            documents += 1
            spans += sum(len(rows) for _, rows in groups)
            docbin.add(doc, ids, groups)
        with atomic_binary_file(out) as fh:
            docbin.write_to(fh)
    return documents, spans


class _DocBinWriter:
    """spaCy's ``DocBin(store_user_data=True).to_bytes()``, written as documents come: the same msgpack map,
    zlib-compressed, but each document's arrays and blobs go to temporary files as it is added, so memory
    stays flat as the corpus grows (a ``DocBin`` holds them all until ``to_bytes``); the token arrays, most
    of the file, are compressed on a second thread as they come. Only the set of strings (the vocabulary
    and the span ids, sorted at the end) and one int per document stay in memory. ``DocBin().from_bytes``
    reads the result; a test checks it decompresses to the very bytes of ``DocBin.to_bytes``.
    """

    _LISTS = ("cats", "flags", "span_groups", "user_data")
    # Level 3, not zlib's default 6: twice as fast, the file ~10% larger; DocBin.from_bytes reads any level.
    _LEVEL = 3

    def __init__(self) -> None:
        from spacy.attrs import IDS, SPACY
        from spacy.tokens import DocBin
        from srsly.msgpack import Packer

        empty = DocBin(store_user_data=True)
        self._version, self._attrs = empty.version, list(empty.attrs)
        # srsly.msgpack_dumps, with its Packer made once: making one looks up msgpack encoders in the
        # installed packages' entry points (~1 ms a call, most of the time of a small document).
        self._pack = Packer(use_bin_type=True).pack
        # The token attributes whose strings DocBin.add keeps (text, tag, lemma, norm, morph, dep, entity).
        string_attrs = [IDS[name] for name in ("ORTH", "TAG", "LEMMA", "NORM", "MORPH", "DEP", "ENT_TYPE", "ENT_KB_ID",
                                               "ENT_ID")]  # fmt: skip
        # All that add reads in one Doc.to_array: DocBin's attributes, the spaces, the other string attributes.
        self._columns = [*self._attrs, SPACY, *(a for a in string_attrs if a not in self._attrs)]
        self._string_columns = [self._columns.index(a) for a in string_attrs]
        # The token arrays are most of the file: compressed as they come, on a second thread (annot.export.deflate).
        self._tokens = Segment(self._LEVEL)
        self._files = {name: tempfile.TemporaryFile() for name in ("spaces", *self._LISTS)}  # noqa: SIM115
        self._lengths: list[int] = []
        self._strings: set[str] = set()

    def __enter__(self) -> _DocBinWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self._tokens.close()
        for fh in self._files.values():
            fh.close()

    def add(self, doc: Any, ids: Mapping[int, str], groups: Groups) -> None:
        """Add one ``Doc`` as ``DocBin.add`` does, its strings read as arrays of hashes (no ``Token`` objects).

        As ``_to_doc(packed=True)`` gives them: ``ids``, the strings of the span ids, which are hashes only
        (kept as ``DocBin.add`` keeps the ids a vocabulary has); ``groups``, the span groups as rows, held in
        the file as if they were ``doc.spans``.
        """
        import numpy

        array = doc.to_array(self._columns).reshape((len(doc), -1))
        width = len(self._attrs)
        self._tokens.write(array[:, :width].tobytes("C"))
        self._files["spaces"].write(array[:, width].astype(bool).tobytes("C"))
        self._lengths.append(len(doc))
        strings = doc.vocab.strings
        hashes = numpy.unique(array[:, self._string_columns]).tolist()
        self._strings.update(ids[h] if h in ids else strings[h] for h in hashes)
        labels: set[int] = set()
        span_ids: set[int] = set()  # kb_id and id: DocBin keeps their strings when the vocabulary has them
        span_groups = self._packed_groups(groups, labels, span_ids)
        self._strings.update(strings[h] for h in labels)
        self._strings.update(ids[h] if h in ids else strings[h] for h in span_ids if h in ids or h in strings)
        flags = {"has_unknown_spaces": doc.has_unknown_spaces}
        user_data = self._pack(doc.user_data)  # DocBin keeps it packed, then packs the list of them
        for name, value in (("cats", doc.cats), ("flags", flags), ("span_groups", span_groups),
                            ("user_data", user_data)):  # fmt: skip
            self._files[name].write(self._pack(value))

    def _packed_groups(self, groups: Groups, labels: set[int], ids: set[int]) -> bytes:
        """``doc.spans.to_bytes()`` once the groups are set, packed from rows with our ``Packer`` (spaCy's
        makes two new ones per document); each label hash put in ``labels``, each id hash in ``ids``."""
        if not groups:
            return self._pack([])
        msg: dict[bytes, list[str]] = {}
        for name, rows in groups:
            spans = []
            for span_id, label, start, end, start_char, end_char in rows:
                labels.add(label)
                ids.add(span_id)
                spans.append(_SPAN.pack(span_id, 0, label, start, end, start_char, end_char))
            ids.add(0)  # no kb_id
            msg.setdefault(self._pack({"name": name, "attrs": {}, "spans": spans}), []).append(name)
        return self._pack(msg)

    def write_to(self, out: Any) -> None:
        """Write the whole DocBin, compressed, to the binary file ``out``."""
        import numpy

        pack, stream = self._pack, ZlibWriter(out, self._LEVEL)

        def copy(name: str) -> None:
            fh = self._files[name]
            fh.seek(0)
            while chunk := fh.read(1 << 20):
                stream.put(chunk)

        stream.put(b"\x8a")  # a map of 10 entries, in DocBin.to_bytes' order
        for key, value in (("version", self._version), ("attrs", self._attrs)):
            stream.put(pack(key) + pack(value))
        stream.put(pack("tokens") + _bin_header(self._tokens.size))
        stream.append(self._tokens)
        stream.put(pack("spaces") + _bin_header(self._files["spaces"].tell()))
        copy("spaces")
        lengths = numpy.asarray(self._lengths, dtype="int32").tobytes("C")
        stream.put(pack("lengths") + pack(lengths))
        stream.put(pack("strings") + pack(sorted(self._strings)))
        for name in self._LISTS:
            stream.put(pack(name) + _array_header(len(self._lengths)))
            copy(name)
        stream.finish()


#: A span in a packed ``SpanGroup`` (``SpanGroup.to_bytes``): id, kb_id, label, start, end, start_char, end_char.
_SPAN = struct.Struct(">QQQllll")


def _bin_header(size: int) -> bytes:
    """msgpack's header of a byte string of ``size`` bytes (the shortest form, as msgpack writes it)."""
    if size < 1 << 8:
        return b"\xc4" + size.to_bytes(1, "big")
    if size < 1 << 16:
        return b"\xc5" + size.to_bytes(2, "big")
    return b"\xc6" + size.to_bytes(4, "big")


def _array_header(count: int) -> bytes:
    """msgpack's header of an array of ``count`` items."""
    if count < 16:
        return bytes([0x90 | count])
    if count < 1 << 16:
        return b"\xdc" + count.to_bytes(2, "big")
    return b"\xdd" + count.to_bytes(4, "big")


def to_doc(record: Record, left_out: LeftOut) -> Any:
    """One annot/1 document record as a spaCy ``Doc`` (see the module docstring)."""
    return _to_doc(record, left_out)[0]


def _to_doc(record: Record, left_out: LeftOut, *, packed: bool = False) -> tuple[Any, dict[int, str], Groups]:
    """``to_doc``, the hash of each span id written -> the id, and (``packed``) the span groups as rows.

    ``packed=True`` (``write``): the Doc gets its tokens, entities and user data but no ``doc.spans``; each
    group comes back as ``(name, [(id hash, label hash, start token, end token, start, end), ...])`` for
    ``_DocBinWriter.add``, which writes the same bytes without a ``Span`` object per span; and the span ids
    are hashes only, not added to the tokenizer's vocabulary, which the process keeps (one string per span,
    unlike words): the memory of an export stays flat.
    """
    from spacy.strings import get_string_id
    from spacy.tokens import Span

    tokens = Tokens(record["text"], record.get("lang"))
    doc = tokens.doc
    groups: dict[str, list[Any]] = {group: [] for group in GROUPS}
    placed = []
    for span in record.get("spans", ()):
        bounds = tokens.bounds(span["start"], span["end"])
        if bounds is None:
            left_out.add(NOT_ON_TOKENS, example(span["label"], span["text"], record["id"], span["start"], span["end"]))
        else:
            placed.append((span, bounds))
    ids = {get_string_id(span["id"]): span["id"] for span, _ in placed}
    written = set(ids.values())
    actors = []  # accepted ACTORs, the candidates for doc.ents
    add_string = doc.vocab.strings.add
    for span, bounds in placed:
        start, end, label, status = span["start"], span["end"], span["label"], span.get("status", "accepted")
        group = GROUP_OF.get(status, "annot")
        if packed:
            groups[group].append((get_string_id(span["id"]), add_string(label), *bounds, start, end))
            if group == "annot" and label == ENTS_LABEL:
                actors.append(Span(doc, *bounds, label=label, span_id=get_string_id(span["id"])))
        else:
            groups[group].append(Span(doc, *bounds, label=label, span_id=span["id"]))
        doc.user_data[user_data_key(start, end, label, span["id"])] = {
            "attrs": kept_attrs(span, record["id"], written, left_out),
            "annotator": span.get("annotator"), "status": status,
        }  # fmt: skip
    if not packed:
        for group, found in groups.items():
            if found:
                doc.spans[group] = found
        actors = [s for s in groups["annot"] if s.label_ == ENTS_LABEL]
    doc.ents = _ents(actors, record, left_out)
    doc.user_data["annot"] = {key: record.get(key) for key in DOCUMENT_META_KEYS}
    return doc, ids, [(group, rows) for group, rows in groups.items() if rows and packed]


def _ents(accepted_actors: list[Any], record: Record, left_out: LeftOut) -> list[Any]:
    """The accepted ACTORs that overlap no other: the longer one kept, then the earlier; the rest counted."""
    actors = sorted(accepted_actors, key=lambda s: (-(s.end - s.start), s.start))
    taken: set[int] = set()
    ents = []
    for span in actors:
        if taken.intersection(range(span.start, span.end)):
            left_out.add(OVERLAPPING_ENT, example(span.label_, span.text, record["id"], span.start_char, span.end_char))
            continue
        taken.update(range(span.start, span.end))
        ents.append(span)
    return sorted(ents, key=lambda s: s.start)


# -- import --------------------------------------------------------------------


def read(path: Path) -> Iterator[ForeignDocument | FormatError]:
    """The documents of a ``.spacy`` DocBin, or one error when the file is not one."""
    from spacy.tokens import DocBin

    try:
        docs = list(DocBin().from_bytes(path.read_bytes()).get_docs(blank(FALLBACK_LANG).vocab))
    except OSError as exc:
        yield FormatError(f"{path}:1: cannot read it ({exc.strerror or exc}); give a readable .spacy file.")
        return
    except (ValueError, KeyError, TypeError, zlib.error) as exc:
        yield FormatError(
            f"{path}:1: not a spaCy DocBin ({type(exc).__name__}); give a .spacy file written by DocBin.to_disk."
        )
        return
    for number, doc in enumerate(docs, 1):
        where = f"{path}:{number}"
        if not doc.text:
            yield FormatError(f"{where}: document {number} has no text; remove it from the DocBin.")
            continue
        meta = doc.user_data.get("annot") if isinstance(doc.user_data.get("annot"), dict) else {}
        yield ForeignDocument(
            text=doc.text, where=where, title=_str(meta.get("title")), lang=_str(meta.get("lang")),
            meta={k: v for k, v in meta.items() if k not in ("title", "lang") and v is not None},
            spans=tuple(_spans(doc)),
        )  # fmt: skip


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _spans(doc: Any) -> Iterator[ForeignSpan]:
    ours = [g for g in GROUPS if g in doc.spans]
    found = [(span, GROUPS[g]) for g in ours for span in doc.spans[g]]
    if not ours:  # a DocBin from elsewhere: spancat's default group and the entities
        found = [(span, "accepted") for span in (*doc.spans.get("sc", ()), *doc.ents)]
    seen: set[tuple[int, int, str, str]] = set()
    for span, status in found:
        key = user_data_key(span.start_char, span.end_char, span.label_, span.id_)
        if key in seen or not span.label_:
            continue
        seen.add(key)
        data = doc.user_data.get(key) if isinstance(doc.user_data.get(key), dict) else {}
        attrs = data.get("attrs") if isinstance(data.get("attrs"), dict) else {}
        annotator = data.get("annotator") if isinstance(data.get("annotator"), str) else None
        yield ForeignSpan(span.start_char, span.end_char, span.label_, dict(attrs), span.id_ or None, annotator, status)
