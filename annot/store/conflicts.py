"""Optimistic concurrency for span edits: keep what others changed meanwhile, never overwrite it silently.

An editor (an annotation session) passes the span as it last showed it
(``seen``). Field by field, a change is a *conflict* when the stored value
differs both from what the editor saw (someone changed it since) and from
the new value (they did not make the same change). Fields only one side
changed merge: the stored version with the editor's own changes applied.
The fields are ``extent`` (start and end together: which words the span
covers), ``label``, ``status`` and each attribute (``attrs.<name>``), so
that one person setting ``polarity`` while another sets ``holder`` keeps both.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from annot.errors import EditConflict
from annot.model import Span, quote
from annot.store.rows import span_from_json

if TYPE_CHECKING:
    import sqlite3

__all__ = ["DELETED", "changed_fields", "conflict", "field_value", "rebase"]

DELETED = "deleted"  # the field named when the span itself was deleted meanwhile
_ATTRS = "attrs."
_HISTORY_LOOKBACK = 200  # history rows of the span read to find who made the change (newest first)

Action = Literal["update", "delete"]


def field_value(span: Span, field: str) -> Any:
    """The value of ``field`` (``extent``, ``label``, ``status`` or ``attrs.<name>``) in ``span``.

    ``extent`` is the pair (start, end); an attribute not set is ``None``.
    """
    if field == "extent":
        return (span.start, span.end)
    if field.startswith(_ATTRS):
        return span.attrs.get(field[len(_ATTRS) :])
    return getattr(span, field)


def changed_fields(old: Span, new: Span) -> list[str]:
    """The fields whose values differ between two versions of one span, in a fixed order (attributes by name)."""
    fields = ["extent", "label", "status", *(_ATTRS + name for name in sorted({*old.attrs, *new.attrs}))]
    return [field for field in fields if field_value(old, field) != field_value(new, field)]


def rebase(seen: Span, stored: Span, changes: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The editor's ``changes`` (made to ``seen``) applied to the ``stored`` version instead, and the clashes.

    A field the editor leaves as it saw it is not a change: the stored value
    stays, whoever set it. ``attrs`` merge name by name (``None`` clears one).

    Args:
        seen: the span as the editor last saw it.
        stored: the span as it is stored now (read in the write transaction).
        changes: the new values (``start``, ``end``, ``label``, ``status`` as a ``Status``, ``attrs``).

    Returns:
        The changes to apply to ``stored`` (only the fields that differ from it), and the fields that
        someone else changed since ``seen`` to another value than the editor's (empty: no conflict).
    """
    out: dict[str, Any] = {}
    clashes: list[str] = []

    def take(field: str, before: Any, after: Any, now: Any) -> bool:
        """Whether the editor changes ``field`` to something other than what is stored; note a clash."""
        if after in (before, now):
            return False
        if now != before:
            clashes.append(field)
        return True

    if "start" in changes or "end" in changes:
        extent = (changes.get("start", seen.start), changes.get("end", seen.end))
        if take("extent", (seen.start, seen.end), extent, (stored.start, stored.end)):
            out["start"], out["end"] = extent
    for field in ("label", "status"):
        if field in changes and take(field, getattr(seen, field), changes[field], getattr(stored, field)):
            out[field] = changes[field]
    if "attrs" in changes:
        wanted = {name: value for name, value in dict(changes["attrs"]).items() if value is not None}
        attrs = dict(stored.attrs)
        for name in sorted({*seen.attrs, *wanted}):
            after = wanted.get(name)
            if take(_ATTRS + name, seen.attrs.get(name), after, stored.attrs.get(name)):
                if after is None:
                    del attrs[name]
                else:
                    attrs[name] = after
        if attrs != stored.attrs:
            out["attrs"] = attrs
    return out, clashes


def conflict(conn: sqlite3.Connection, seen: Span, stored: Span | None, field: str, action: Action) -> EditConflict:
    """The error for an edit refused because someone else changed ``field`` of the span since ``seen``.

    Who and when come from the span's history: the newest edit (not undone) that changed the field.

    Args:
        conn: the open write transaction's connection.
        seen: the span as the editor last saw it.
        stored: the span as stored now (``None`` with ``field == DELETED``: it is deleted).
        field: the field both changed, or ``DELETED``.
        action: what the editor tried: ``update`` or ``delete``.
    """
    by, at = _last_change(conn, seen.id, field)
    who = by or "someone else"
    when = f" at {datetime.fromisoformat(at).strftime('%Y-%m-%d %H:%M:%S')} UTC" if at else ""
    value = None if stored is None else field_value(stored, field)
    span = f"{seen.label} {quote(seen.text)}"
    shows = f"the sentence now shows {who}'s version"
    if stored is None and action == "delete":
        message = f"{span} was already deleted by {who}{when}: nothing left to delete; {shows}."
    elif stored is None:
        message = (
            f"{span} was deleted by {who}{when}. Your change was not saved; {shows}: tag it again if you still want it."
        )
    elif action == "delete":
        message = (
            f"{span} was changed by {who}{when}: {_describe(stored, field)}. It was not deleted; {shows}:"
            " delete it again if you still want it gone."
        )
    else:
        message = (
            f"{span} was changed by {who}{when}: {_describe(stored, field)}. Your change was not saved; {shows}:"
            " redo your edit if you still want it."
        )
    if field == "status" and value is not None:
        value = value.value
    return EditConflict(message, span_id=seen.id, field=field, by=by, at=at, value=value)


def _describe(stored: Span, field: str) -> str:
    """The stored value of ``field``, for people: ``its label is now CLAIM``."""
    if field == "extent":
        return f"it now covers {quote(stored.text)}"
    if field == "status":
        return f"its status is now {stored.status.value}"
    if field == "label":
        return f"its label is now {stored.label}"
    name = field[len(_ATTRS) :]
    value = stored.attrs.get(name)
    return f"its {name} was cleared" if value is None else f"its {name} is now {quote(str(value))}"


def _last_change(conn: sqlite3.Connection, span_id: str, field: str) -> tuple[str, str]:
    """Who made the newest edit of the span (not undone) that changed ``field``, and when (``""``: not found)."""
    rows = conn.execute(
        "SELECT annotator, op, before, after, at FROM history WHERE span_id = ? AND undone <> 1"
        " ORDER BY seq DESC LIMIT ?",
        (span_id, _HISTORY_LOOKBACK),
    ).fetchall()
    for annotator, op, before, after, at in rows:
        if field == DELETED:
            if op == "delete":
                return annotator, at
        elif before is None or field in changed_fields(span_from_json(before), span_from_json(after)):
            return annotator, at
    return "", ""
