"""Reading INCEpTION / UIMA CAS XMI through dkpro-cassis, which checks each document against its type system.

The reader of ``annot.export.inception`` (its ``read``): a zip of ``TypeSystem.xml`` and ``.xmi`` files, or one
``.xmi`` with its type system beside it. Every XML file is first checked for a DOCTYPE by a parser that resolves
no entity (``annot.export.xmi.doctype_of``): such a file is refused before cassis parses it.
"""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annot.errors import FormatError
from annot.export.formats import ForeignDocument, ForeignSpan
from annot.export.inception import ANNOTATION, FS_ARRAY, LAYER_PREFIX, METADATA, TYPESYSTEM_FILE
from annot.export.xmi import doctype_of

if TYPE_CHECKING:
    from cassis import TypeSystem

__all__ = ["read_documents"]


def read_documents(path: Path) -> Iterator[ForeignDocument | FormatError]:
    """The documents of an INCEpTION zip (``TypeSystem.xml`` + ``.xmi`` files), or of one ``.xmi`` beside it.

    Each custom span layer (``webanno.custom.<LABEL>``) is a label and its features are attributes; other
    types (DKPro's tokens, POS, named entities, relation and chain layers) are ignored; a feature with no
    value is an absent attribute. A bad file or document is one ``FormatError``: ``FILE (document X): problem; fix``.
    """
    path = Path(path)
    if path.suffix.lower() == ".xmi":
        beside = [p for p in (path.with_name(TYPESYSTEM_FILE), path.with_name("typesystem.xml")) if p.is_file()]
        if not beside:
            yield FormatError(f"{path}: no {TYPESYSTEM_FILE} beside it; put the type system exported with it there.")
            return
        ts = _typesystem(beside[0].read_bytes(), f"{beside[0]}")
        if isinstance(ts, FormatError):
            yield ts
            return
        yield _document(path.read_bytes(), ts, f"{path} (document {path.name})", path.stem)
        return
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        yield FormatError(
            f"{path}: not a zip archive ({exc}); give the .zip written by 'annot export --format inception',"
            f" or one .xmi with its {TYPESYSTEM_FILE} beside it."
        )
        return
    with archive:
        members = {Path(n).name.lower(): n for n in archive.namelist()}
        ts_name = members.get(TYPESYSTEM_FILE.lower())
        if ts_name is None:
            yield FormatError(f"{path}: no {TYPESYSTEM_FILE} in the zip; add the type system the .xmi files use.")
            return
        ts = _typesystem(archive.read(ts_name), f"{path} ({ts_name})")
        if isinstance(ts, FormatError):
            yield ts
            return
        xmis = sorted(n for n in archive.namelist() if n.lower().endswith(".xmi"))
        if not xmis:
            yield FormatError(f"{path}: no .xmi document in the zip; export the documents with their type system.")
        for name in xmis:
            yield _document(archive.read(name), ts, f"{path} (document {name})", Path(name).stem)


def _refused(data: bytes, where: str) -> FormatError | None:
    """A ``FormatError`` when ``data`` declares a DOCTYPE (see ``xmi.doctype_of``): cassis never reads it."""
    doctype = doctype_of(data)
    if doctype is None:
        return None
    return FormatError(
        f"{where}: declares a DOCTYPE ({doctype}), which UIMA XMI never has and annot does not read (its entities"
        " could pull in local files or expand without end); export the document again without it."
    )


def _typesystem(data: bytes, where: str) -> TypeSystem | FormatError:
    from cassis import load_typesystem

    if refused := _refused(data, where):
        return refused
    try:
        with warnings.catch_warnings():  # cassis warns about a feature named "type" (see _Layers._create_feature)
            warnings.simplefilter("ignore", UserWarning)
            return load_typesystem(data.decode("utf-8"))
    except Exception as exc:  # cassis raises lxml's and its own errors alike: each one is a bad file here
        return _caused(FormatError(f"{where}: not a UIMA type system ({_first_line(exc)}); export it again."), exc)


def _document(data: bytes, ts: TypeSystem, where: str, stem: str) -> ForeignDocument | FormatError:
    from cassis import load_cas_from_xmi

    if refused := _refused(data, where):
        return refused
    try:
        cas = load_cas_from_xmi(data.decode("utf-8"), typesystem=ts, lenient=True)
    except Exception as exc:  # as in _typesystem: lxml, cassis and decoding errors all mean a bad document
        return _caused(FormatError(f"{where}: not a UIMA CAS XMI document ({_first_line(exc)}); export it again."), exc)
    text = cas.sofa_string
    if not text:
        return FormatError(f"{where}: the document has no text (sofa string); export it with its text.")
    title, lang, meta = stem, None, {}
    found = cas.select(METADATA) if ts.contains_type(METADATA, match_exactly=True) else []
    found = found or cas.select("uima.tcas.DocumentAnnotation")
    if found:
        title = found[0].get("documentTitle") if found[0].type.get_feature("documentTitle") else None
        title = title or stem
        lang = found[0].get("language")
        doc_id = found[0].get("documentId") if found[0].type.get_feature("documentId") else None
        meta = {"id": doc_id} if doc_id else {}
    if lang in (None, "", "x-unspecified"):
        lang = None
    spans = []
    for layer in _span_layers(ts):
        label = layer.name[len(LAYER_PREFIX) :]
        for fs in cas.select(layer.name):
            if fs.type.name != layer.name:
                continue  # a subtype is its own layer
            spans.append(ForeignSpan(fs.begin, fs.end, label, _attributes(fs, layer), ref=str(fs.xmiID)))
    return ForeignDocument(text=text, where=where, title=title, lang=lang, meta=meta, spans=tuple(spans))


def _span_layers(ts: TypeSystem) -> list[Any]:
    """Custom span layers: ``webanno.custom.*`` annotations that are not relations (``Governor``/``Dependent``)."""
    layers = []
    for t in ts.get_types():
        if not t.name.startswith(LAYER_PREFIX) or not ts.subsumes(ANNOTATION, t):
            continue
        if t.get_feature("Governor") is not None or t.get_feature("Dependent") is not None:
            continue
        layers.append(t)
    return layers


def _attributes(fs: Any, layer: Any) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    for feature in layer.features:  # the layer's own, not Annotation's
        name = feature.name[:-1] if feature._has_reserved_name else feature.name
        value = fs.get(feature.name)
        if value is None:
            continue
        if feature.rangeType.name == FS_ARRAY:
            targets = [link.get("target") for link in value.elements or () if link.type.get_feature("target")]
            targets = [t for t in targets if t is not None]
            if targets:  # a slot may hold several links; annot's span attribute names one span
                attrs[name] = str(targets[0].xmiID)
        elif isinstance(value, float) and value.is_integer():
            attrs[name] = int(value)
        elif isinstance(value, str | int | float | bool):
            attrs[name] = value
    return attrs


def _caused(error: FormatError, exc: BaseException) -> FormatError:
    """``error`` as if raised ``from exc``: it is yielded, not raised, and keeps what went wrong below."""
    error.__cause__ = exc
    return error


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
