"""UIMA CAS XMI written with lxml directly, byte for byte as dkpro-cassis's ``Cas.to_xmi(pretty_print=True)``.

cassis checks every feature of every feature structure against the type system as it writes (two thirds of
an INCEpTION export's time). The INCEpTION exporter already knows each type's features and their order, so it
hands this module finished elements: ``(type name, attributes)`` in ``xmi:id`` order. This module keeps what
cassis decides about the file itself:

- a type ``a.b.C`` is the element ``C`` in the namespace ``http:///a/b.ecore``, its prefix the last package
  name (``b``), numbered from 0 when that prefix is taken (``type``, ``type0``), in order of first use;
- ``cas:NULL``, then the feature structures by ``xmi:id``, then the ``cas:Sofa`` (id 1, holding the text),
  then the ``cas:View`` listing the indexed feature structures;
- offsets are UTF-16 code units (``utf16_offsets``), floats as Java writes them (``float_text``).

Reading stays with cassis (it checks a document against its type system); ``doctype_of`` is the guard
run before it. A test loads what this writes with cassis and checks that cassis writes it back to the very same bytes.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping

__all__ = ["CAS_NS", "SOFA_ID", "XMI_NS", "doctype_of", "float_text", "to_xmi", "utf16_offsets"]

XMI_NS = "http://www.omg.org/XMI"
CAS_NS = "http:///uima/cas.ecore"
#: The ``xmi:id`` of the one Sofa: the first id a new CAS hands out.
SOFA_ID = 1
_ID = f"{{{XMI_NS}}}id"


def utf16_offsets(text: str) -> Callable[[int], int]:
    """The UTF-16 offset of each code point offset of ``text`` (the identity when it has no astral character)."""
    if text.isascii() or max(text, default="\0") < "\U00010000":
        return int
    accumulated = [0, *itertools.accumulate(2 if ch >= "\U00010000" else 1 for ch in text)]
    return accumulated.__getitem__


def float_text(value: float) -> str:
    """A float as cassis writes it: ``9000.0``, ``1.5E-07``, ``NaN``, ``Infinity``."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return str(value).upper().replace("E+", "E")


def doctype_of(data: bytes) -> str | None:
    """The DOCTYPE ``data`` declares (its name, or "entities"), or None; found by a parser that resolves no entity.

    UIMA type systems and XMI never declare one: in a file from elsewhere it can only serve to expand entities,
    an external one reading a local file (``<!ENTITY e SYSTEM "file:///etc/passwd">``) or a URL into the text,
    nested ones growing without end ("billion laughs"). cassis parses with lxml's defaults, which have changed
    between lxml versions, so a file with a DOCTYPE must not reach it. A file this parser cannot read is
    judged by its bytes alone (cassis then names what is wrong with it).
    """
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    try:
        docinfo = etree.fromstring(data, parser).getroottree().docinfo
    except etree.XMLSyntaxError:
        head = data.upper()
        return "entities" if b"<!DOCTYPE" in head or b"<!ENTITY" in head else None
    if docinfo.doctype or docinfo.internalDTD is not None:
        return docinfo.doctype or "entities"
    return None


def _namespace(type_name: str) -> tuple[str, str, str]:
    """``(namespace URI, raw prefix, local name)`` of a UIMA type name."""
    if "." not in type_name:
        type_name = f"uima.noNamespace.{type_name}"
    parts = type_name.split(".")
    return "http:///" + "/".join(parts[:-1]) + ".ecore", parts[-2], parts[-1]


def to_xmi(
    text: str,
    elements: Iterable[tuple[str, Mapping[str, str]]],
    indexed: Iterable[int],
    *,
    mime: str | None = "text/plain",
) -> bytes:
    """One CAS as XMI (UTF-8, pretty-printed, with its XML declaration).

    Args:
        text: the sofa string (characters XML 1.0 can hold).
        elements: each feature structure but the Sofa, in ``xmi:id`` order: its type name and its attributes
            in the order cassis writes them (``xmi:id`` first, as ``"{http://www.omg.org/XMI}id"``, then
            ``sofa``, ``begin``, ``end`` and the features with a value, in the type's feature order).
        indexed: the ``xmi:id`` of each feature structure in the view's indexes (``cas:View``'s members).
        mime: the Sofa's mime type.

    Returns:
        The bytes of the ``.xmi`` file.
    """
    from lxml import etree

    nsmap = {"xmi": XMI_NS, "cas": CAS_NS}
    prefixes: dict[str, str] = {}  # namespace URI -> prefix, as cassis numbers them
    duplicates: dict[str, int] = {}
    tags: dict[str, str] = {}  # type name -> Clark name
    body = []
    for type_name, attrs in elements:
        tag = tags.get(type_name)
        if tag is None:
            url, prefix, local = _namespace(type_name)
            if url not in prefixes:
                if prefix in nsmap:
                    number = duplicates.get(prefix, 0)
                    duplicates[prefix] = number + 1
                    prefix += str(number)
                nsmap[prefix], prefixes[url] = url, prefix
            tag = tags[type_name] = f"{{{url}}}{local}"
        body.append((tag, attrs))
    root = etree.Element(f"{{{XMI_NS}}}XMI", {f"{{{XMI_NS}}}version": "2.0"}, nsmap=nsmap)
    sub = etree.SubElement
    sub(root, f"{{{CAS_NS}}}NULL", {_ID: "0"})
    for tag, attrs in body:
        sub(root, tag, attrs)
    sofa = {_ID: str(SOFA_ID), "sofaNum": "1", "sofaID": "_InitialView"}
    if mime is not None:
        sofa["mimeType"] = mime
    sofa["sofaString"] = text
    sub(root, f"{{{CAS_NS}}}Sofa", sofa)
    members = " ".join(map(str, sorted(indexed)))
    sub(root, f"{{{CAS_NS}}}View", {"sofa": str(SOFA_ID), "members": members})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
