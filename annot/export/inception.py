"""INCEpTION / UIMA CAS XMI: a zip of ``TypeSystem.xml`` and one ``.xmi`` per document, through dkpro-cassis.

The type system follows INCEpTION's conventions for custom layers, so that its
"Layers > Import" turns ``TypeSystem.xml`` into one span layer per label:

- a label is a span layer ``webanno.custom.<LABEL>`` (a direct subtype of
  ``uima.tcas.Annotation``); its enum and text attributes are ``uima.cas.String``
  features, its number attributes ``uima.cas.Float`` (INCEpTION's number feature
  types are Integer and Float: it has no editor for Double, and would drop it);
- a span attribute (``holder_span``, ``target_span``) is a link feature (a "slot"):
  an ``FSArray`` of ``webanno.custom.<LABEL><Attr>Link`` holding ``role`` and ``target``,
  which INCEpTION draws as an arc from the STANCE to its ACTOR. A relation layer
  cannot hold it: INCEpTION's relations join two spans of one layer;
- the document is DKPro's ``DocumentMetaData`` (title, id, language) and its
  sentences DKPro's ``Sentence``, from annot's own sentence offsets.

Offsets are code points here and UTF-16 units in the XMI. The type system is built and written by cassis;
each document's XMI is written by ``annot.export.xmi`` as cassis would write it, without building a CAS.
Files are read back through cassis (``annot.export.inception_read``), which checks them against their type
system, after a guard that refuses a DOCTYPE.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annot.errors import FormatError
from annot.export.formats import ForeignDocument, LeftOut, iter_documents
from annot.export.xmi import XMI_NS, float_text, to_xmi, utf16_offsets
from annot.fileio import atomic_binary_file

if TYPE_CHECKING:
    from cassis import TypeSystem

    from annot.schema import LabelSchema

__all__ = ["LAYER_PREFIX", "SUFFIX", "TYPESYSTEM_FILE", "USES_SCHEMA", "read", "to_typesystem", "write"]

SUFFIX = "inception.zip"
#: ``export_as`` passes the project's schema: every label gets a layer in the type system, spans or not.
USES_SCHEMA = True
#: The file of the zip (and beside a lone ``.xmi``) holding the type system; INCEpTION's own is lower case.
TYPESYSTEM_FILE = "TypeSystem.xml"
#: INCEpTION's namespace for custom layers: a label ``ACTOR`` is the type ``webanno.custom.ACTOR``.
LAYER_PREFIX = "webanno.custom."
METADATA = "de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData"
SENTENCE = "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Sentence"
ANNOTATION = "uima.tcas.Annotation"
FS_ARRAY = "uima.cas.FSArray"
#: What each attribute type of the schema becomes (``span`` is a link feature, see the module docstring).
RANGES = {"enum": "uima.cas.String", "text": "uima.cas.String", "number": "uima.cas.Float"}
# A UIMA name is a Java identifier; begin, end and sofa are Annotation's own features.
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_RESERVED = {"begin", "end", "sofa"}
# Characters XML 1.0 cannot hold (C0 controls but tab/newline/CR, surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Zip entries get a fixed time, so the same corpus gives the same bytes.
_EPOCH = (1980, 1, 1, 0, 0, 0)
Record = dict[str, Any]
_ID = f"{{{XMI_NS}}}id"


def _link_type(label: str, attr: str) -> str:
    """INCEpTION's name for a link feature's type: layer + capitalized feature + ``Link``."""
    return f"{LAYER_PREFIX}{label}{attr[:1].upper()}{attr[1:]}Link"


class _Layers:
    """The type system being written: the schema's labels, grown by any label or attribute the records add."""

    def __init__(self, schema: LabelSchema) -> None:
        from cassis import TypeSystem

        self.ts: TypeSystem = TypeSystem()
        self._kinds: dict[tuple[str, str], str | None] = {}  # (label, attr) -> feature range, once known
        self._orders: dict[str, list[tuple[str, str]]] = {}  # label -> its features, see _order
        meta = self.ts.create_type(METADATA, "uima.tcas.DocumentAnnotation")
        for name in ("documentTitle", "documentId", "documentUri", "collectionId", "documentBaseUri"):
            self._create_feature(meta, name, "uima.cas.String")
        self._create_feature(meta, "isLastSegment", "uima.cas.Boolean")
        self._create_feature(self.ts.create_type(SENTENCE, ANNOTATION), "id", "uima.cas.String")
        for label in schema.labels.values():
            if self.valid(label.name):
                self.ts.create_type(LAYER_PREFIX + label.name, ANNOTATION, description=label.description or None)
        for label in schema.labels.values():
            for attr in label.attributes.values():
                if self.valid(label.name) and self.valid(attr.name, feature=True):
                    target = attr.labels[0] if len(attr.labels) == 1 and self.has(attr.labels[0]) else None
                    self.add_feature(label.name, attr.name, attr.type, attr.description, target)

    def _create_feature(self, domain: Any, name: str, range_: Any, **more: Any) -> None:
        with warnings.catch_warnings():  # cassis warns that it renames "type" to "type_"; the XMI keeps "type"
            warnings.simplefilter("ignore", UserWarning)
            self.ts.create_feature(domain, name, range_, **more)

    @staticmethod
    def valid(name: str, *, feature: bool = False) -> bool:
        return bool(_NAME.fullmatch(name)) and not (feature and name in _RESERVED)

    def has(self, label: str) -> bool:
        return self.ts.contains_type(LAYER_PREFIX + label, match_exactly=True)

    def add_feature(self, label: str, attr: str, kind: str, description: str = "", target: str | None = None) -> None:
        layer = self.ts.get_type(LAYER_PREFIX + label)
        self._orders.pop(label, None)
        if kind == "span":
            link = self.ts.create_type(_link_type(label, attr), "uima.cas.TOP")
            self._create_feature(link, "role", "uima.cas.String")
            self._create_feature(link, "target", LAYER_PREFIX + target if target else ANNOTATION)
            self._create_feature(layer, attr, FS_ARRAY, elementType=link, description=description or None)
        else:
            self._create_feature(layer, attr, RANGES.get(kind, "uima.cas.String"), description=description or None)

    def feature(self, label: str, attr: str, value: Any) -> str | None:
        """The range of ``label``'s feature ``attr``, added when the schema has none (``None``: no UIMA name)."""
        key = (label, attr)
        if key in self._kinds:  # a feature's range never changes once the type system has it
            return self._kinds[key]
        self._kinds[key] = self._feature(label, attr, value)
        return self._kinds[key]

    def _feature(self, label: str, attr: str, value: Any) -> str | None:
        if not self.valid(attr, feature=True):
            return None
        layer = self.ts.get_type(LAYER_PREFIX + label)
        found = layer.get_feature(attr) or layer.get_feature(attr + "_")  # cassis renames "type" to "type_"
        if found is None:
            kind = "span" if attr.endswith("_span") else "number" if _is_number(value) else "text"
            self.add_feature(label, attr, kind)
            found = layer.get_feature(attr) or layer.get_feature(attr + "_")
        return found.rangeType.name

    def to_xmi(self, record: Record, left_out: LeftOut) -> tuple[bytes, int]:
        """One document record as XMI, and how many spans it holds; what it cannot hold goes to ``left_out``.

        The bytes cassis's ``Cas.to_xmi(pretty_print=True)`` writes for the CAS of the record (the document
        metadata, the sentences, the spans, then the link of each ``*_span`` attribute), written by
        ``annot.export.xmi`` without a ``Cas``: ``xmi:id`` 1 is the Sofa, 2 the metadata, then the sentences
        and the spans in order, then the links in the order cassis finds them (by layer, in the order the
        layers first appear; by ``begin``, ``end``, id in a layer; by feature in a span).
        """
        doc_id, text = record["id"], record["text"]
        bad = _NOT_XML.search(text)
        if bad:  # as INCEpTION does on export: one space each, so every offset still holds
            left_out.add("text characters XML 1.0 cannot hold, written as spaces", f"U+{ord(bad[0]):04X} in {doc_id}")
            text = _NOT_XML.sub(" ", text)
        written: dict[str, Record] = {}
        for span in record.get("spans", ()):
            status = span.get("status", "accepted")
            if status != "accepted":
                reason = f"{status} suggestion (INCEpTION holds annotations, not suggestions)"
                left_out.add(reason, _named(span, doc_id))
            elif not self.valid(span["label"]):
                left_out.add("label that is not a UIMA type name (letters, digits, _)", _named(span, doc_id))
            else:
                if not self.has(span["label"]):
                    self.ts.create_type(LAYER_PREFIX + span["label"], ANNOTATION)
                for attr, value in span.get("attrs", {}).items():  # every feature first, as the type system lists
                    self.feature(span["label"], attr, value)
                written[span["id"]] = span
        at = utf16_offsets(text)
        sentences = record.get("sentences", ())
        first = 3 + len(sentences)  # 1 the Sofa, 2 the metadata
        ids = {span_id: first + n for n, span_id in enumerate(written)}
        features = {span_id: self._features(span, written, left_out, doc_id) for span_id, span in written.items()}
        title = _NOT_XML.sub(" ", record.get("title") or "") or None
        meta = {_ID: "2", "sofa": "1", "begin": "0", "end": str(at(len(text))),
                "language": record.get("lang") or "x-unspecified"}  # fmt: skip
        if title is not None:
            meta["documentTitle"] = title
        meta.update(documentId=str(doc_id), isLastSegment="false")
        elements: list[tuple[str, dict[str, str]]] = [(METADATA, meta)]
        elements += [(SENTENCE, {_ID: str(n), "sofa": "1", "begin": str(at(s["start"])), "end": str(at(s["end"]))})
                     for n, s in enumerate(sentences, 3)]  # fmt: skip
        spans, links = [], []
        by_layer: dict[str, list[str]] = {}
        for span_id, span in written.items():
            by_layer.setdefault(span["label"], []).append(span_id)
        next_link = first + len(written)
        link_ids: dict[tuple[str, str], int] = {}
        for label, members in by_layer.items():  # cassis numbers the links as it walks the indexes
            order = self._order(label)
            for span_id in sorted(members, key=lambda i: (written[i]["start"], written[i]["end"], ids[i])):
                for _, attr in order:
                    link = features[span_id].get(attr)
                    if isinstance(link, _Link):
                        link_ids[span_id, attr] = next_link
                        links.append((next_link, link))
                        next_link += 1
        for span_id, span in written.items():
            attrs = {_ID: str(ids[span_id]), "sofa": "1", "begin": str(at(span["start"])), "end": str(at(span["end"]))}
            for _, attr in self._order(span["label"]):
                value = features[span_id].get(attr)
                if isinstance(value, _Link):
                    attrs[attr] = str(link_ids[span_id, attr])
                elif value is not None:
                    attrs[attr] = value
            spans.append((LAYER_PREFIX + span["label"], attrs))
        elements += spans
        elements += [(link.type_name, {_ID: str(n), "role": link.role, "target": str(ids[link.target])})
                     for n, link in links]  # fmt: skip
        return to_xmi(text, elements, range(2, first + len(written))), len(written)

    def _order(self, label: str) -> list[tuple[str, str]]:
        """The layer's own features as ``(cassis name, XMI name)``, in the order cassis writes them."""
        found = self._orders.get(label)
        if found is None:
            layer = self.ts.get_type(LAYER_PREFIX + label)
            found = [(f.name, f.name[:-1] if f._has_reserved_name else f.name) for f in layer.features]
            self._orders[label] = found
        return found

    def _features(
        self, span: Record, written: Mapping[str, Record], left_out: LeftOut, doc_id: str
    ) -> dict[str, str | _Link]:
        """The span's feature values by XMI name (a ``_Link`` for a ``*_span`` attribute); the rest counted."""
        label = span["label"]
        found: dict[str, str | _Link] = {}
        for attr, value in span.get("attrs", {}).items():
            kind = self.feature(label, attr, value)
            if kind is None:
                left_out.add(f"attribute {attr!r}: not a UIMA feature name", _named(span, doc_id))
            elif kind == FS_ARRAY:
                if value not in written:
                    left_out.add(f"attribute {attr!r}: the span it names is not exported", _named(span, doc_id))
                    continue
                found[attr] = _Link(_link_type(label, attr), attr.removesuffix("_span"), value)
            elif kind == "uima.cas.Float" and _is_number(value) and float(value) == value:
                found[attr] = float_text(float(value))
            elif kind == "uima.cas.String" and isinstance(value, str) and _NOT_XML.search(value):
                left_out.add(f"attribute {attr!r}: characters XML 1.0 cannot hold", _named(span, doc_id))
            elif kind == "uima.cas.String" and isinstance(value, str):
                found[attr] = value
            else:
                left_out.add(
                    f"attribute {attr!r}: a {type(value).__name__} where the type system has {kind}",
                    _named(span, doc_id),
                )
        return found


@dataclass(frozen=True, slots=True)
class _Link:
    """A link feature structure (INCEpTION's slot) from a span to the span ``target`` (its annot id)."""

    type_name: str
    role: str
    target: str


def _named(span: Record, doc_id: str) -> str:
    """How a left-out span is named in the report."""
    return f"{span['label']} {span['text']!r} in {doc_id} at {span['start']}-{span['end']}"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def to_typesystem(schema: LabelSchema | None = None) -> TypeSystem:
    """The UIMA type system of ``schema`` (the default one when ``None``): what ``TypeSystem.xml`` holds."""
    from annot.schema import load_schema

    return _Layers(schema or load_schema()).ts


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def write(
    records: Iterable[Record], out: Path, left_out: LeftOut, *, schema: LabelSchema | None = None
) -> tuple[int, int]:
    """Write annot/1 document records as a zip of ``TypeSystem.xml`` and ``<doc_id>.xmi`` per document.

    Args:
        records: annot/1 records (``iter_records``); only document records are read.
        out: the zip, replaced atomically.
        left_out: where spans with no place go (pending or rejected suggestions, names UIMA cannot hold).
        schema: the project's labels (the default schema when ``None``); a label or attribute of the records
            that it lacks is added with the type its values have.

    Returns:
        How many documents and spans were written.

    Raises:
        OutputError: ``out`` cannot be written; it is unchanged.
    """
    from annot.schema import load_schema

    layers = _Layers(schema or load_schema())
    documents = spans = 0
    names: set[str] = set()
    with atomic_binary_file(out) as file, zipfile.ZipFile(file, "w") as zf:
        for record in iter_documents(records):
            xmi, count = layers.to_xmi(record, left_out)
            name = re.sub(r"[^\w.-]", "_", str(record["id"])) + ".xmi"
            while name in names:
                name = name.removesuffix(".xmi") + "_.xmi"
            names.add(name)
            zf.writestr(_entry(name), xmi)
            documents, spans = documents + 1, spans + count
        zf.writestr(_entry(TYPESYSTEM_FILE), layers.ts.to_xml().encode("utf-8"))
    return documents, spans


def read(path: Path, schema: Any = None) -> Iterator[ForeignDocument | FormatError]:
    """The documents of an INCEpTION zip (``TypeSystem.xml`` + ``.xmi`` files), or of one ``.xmi`` beside it.

    See ``annot.export.inception_read.read_documents``; ``schema`` is accepted as for every format that
    ``USES_SCHEMA`` and not read: the file's own type system names the layers and their features' types,
    and the store checks labels and values on import.
    """
    from annot.export.inception_read import read_documents

    return read_documents(Path(path))
