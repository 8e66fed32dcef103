"""Apertium (rule-based MT, Debian packages) as an engine: one process per batch, alignment checked.

Texts are written in Apertium's stream format as ``apertium-destxt`` would
(``\\ [ ] ^ $ @ / < > { }`` escaped; ``~`` and other whitespace than one space as
superblanks), each ending in ``.[<index>]`` and a NUL; a batch goes through ONE
``apertium -f none -z MODE`` (a process costs ~0.15 s to start). Every stage
flushes at a NUL and passes the ``[<index>]`` superblank through untouched, so
each output names its input. Markup (``<b>``, ``&amp;``, ``[x]``, ``\\``) comes
back as the same characters; an output equals ``apertium -u MODE`` on its text
alone, except that the tagger carries state between a batch's sentences.

Outputs without their marker, or with two, are never guessed at: those texts
are sent again, then in halves, down to one text, which if it still fails raises
``EngineError`` naming it (Debian's apertium-rus-ukr 0.2.1 tagger crashes on
many words while ``apertium`` exits with status 0).

Unknown words are not marked (``apertium -u``), so output is clean text;
``mark_unknown=True`` keeps the marks (``*`` unknown, ``#`` not generated, ``@``
not in the bilingual dictionary) and adds ``|unknown:marked`` to the signature,
so the two kinds of output never share a cache entry. Pairs come from
``apertium -l``, codes mapped to ISO 639-1 (``eng-spa`` is en->es), each with its
plain mode (``es-pt``, not ``es-pt_BR``) unless ``prefer=["es-pt_BR"]`` picks a
variant; ``modes()`` lists all. Output is not post-processed (``9,000`` stays).

Serbo-Croatian (``hbs``, ISO 639-1 ``sh``) is one Apertium language for the
three standards lingua tells apart, Croatian, Serbian and Bosnian: a mode
*from* hbs serves each of hr, sr and bs (``hbs-eng`` is hr->en, sr->en,
bs->en); a mode *into* hbs serves the standard its variant names
(``eng-hbs_HR`` is en->hr), the plain mode (``eng-hbs``) only the standards
without a variant mode of their own. A mode from a language into itself
(``nno-nno_e``, a spelling norm) is not a translation and is left out.

Apertium's hbs reads Latin script only: words in Cyrillic pass through
untranslated. Serbian is written in both scripts (most Serbian outlets publish
in Cyrillic, and lingua tags every Cyrillic hbs text ``sr``), and so is Bosnian
(both are official in Bosnia and Herzegovina), so a text from sr or bs is first
written in Latin, letter for letter (``annot.translate.script``: only the 30
Serbian letters change; Russian ``ы`` or Macedonian ``ѓ`` stay). Croatian is
written in Latin only: hr texts go to Apertium as they are. What Apertium writes
into hbs (``eng-hbs_SR``, ``mkd-hbs_SR``) stays in Latin.

That conversion changes the output for Cyrillic input, so the signature of a
pair from sr or bs says so (``apertium|hbs-eng-0.5.1-2|sr-en|script:cyrl2latn``):
a translation stored before, by the old signature, is the untranslated
Cyrillic, and the new signature makes annot translate such a sentence again
instead of serving it from the store. The price is that sr and bs sentences
in Latin (and routes through bs, ``sl>bs>en``) are translated once more too,
to the same text (a new row; the old one stays in the store, not shown, as
after a package upgrade): the signature is per pair, not per text, and
Apertium does dozens of sentences a second. The signature of hr pairs is
unchanged, and so are their stored translations.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import textwrap
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from subprocess import PIPE

from annot.errors import EngineError, EngineNotInstalled, ModelNotInstalled, PartialTranslation
from annot.translate.base import BaseEngine, Model
from annot.translate.script import to_serbian_latin

__all__ = ["ApertiumEngine", "ApertiumMode", "to_iso639_1"]

INSTALL = "apt-get install apertium apertium-eng-spa (one apertium-<pair> package per pair; apt-cache search apertium-)"

# Apertium names languages by ISO 639-3 (eng, spa) or, in older pairs, 639-1 (en, gl).
_ISO639_1 = {
    "afr": "af", "amh": "am", "ara": "ar", "arg": "an", "aze": "az", "bak": "ba", "bel": "be", "ben": "bn",
    "bos": "bs", "bre": "br", "bul": "bg", "cat": "ca", "ces": "cs", "chv": "cv", "cos": "co", "cym": "cy",
    "dan": "da", "deu": "de", "ell": "el", "eng": "en", "epo": "eo", "est": "et", "eus": "eu", "fao": "fo",
    "fas": "fa", "fin": "fi", "fra": "fr", "fry": "fy", "gla": "gd", "gle": "ga", "glg": "gl", "glv": "gv",
    "hbs": "sh", "heb": "he", "hin": "hi", "hrv": "hr", "hun": "hu", "hye": "hy", "ind": "id", "isl": "is",
    "ita": "it", "jpn": "ja", "kat": "ka", "kaz": "kk", "kir": "ky", "kor": "ko", "kur": "ku", "lat": "la",
    "lav": "lv", "lit": "lt", "ltz": "lb", "mkd": "mk", "mlt": "mt", "msa": "ms", "nld": "nl", "nno": "nn",
    "nob": "nb", "nor": "no", "oci": "oc", "pol": "pl", "por": "pt", "ron": "ro", "rus": "ru", "slk": "sk",
    "slv": "sl", "sme": "se", "sqi": "sq", "spa": "es", "srd": "sc", "srp": "sr", "swe": "sv", "tat": "tt",
    "tgk": "tg", "tur": "tr", "ukr": "uk", "urd": "ur", "uzb": "uz", "vie": "vi", "wln": "wa", "zho": "zh",
}  # fmt: skip

# A macrolanguage Apertium treats as one -> the ISO 639-1 languages (standards) it serves; as a target,
# the mode variant that writes each standard.
_STANDARDS = {"sh": {"bs": "BS", "hr": "HR", "sr": "SR"}}
# The standards of hbs written in Cyrillic as well as Latin: their texts are written in Latin before
# Apertium's hbs (Latin only) reads them. See the module docstring.
_CYRILLIC_TOO = frozenset({"bs", "sr"})

# source[_variant]-target[_variant]; other modes (eng-spa-tagger, debug modes) are not translations.
_MODE_NAME = re.compile(r"([a-z]{2,3})(?:_([A-Za-z0-9_]+))?-([a-z]{2,3})(?:_([A-Za-z0-9_]+))?")
_STREAM_SPECIAL = re.compile(r"[ \t\n\r\f\v]+|[\\\[\]^$@/<>{}~]")
# In output: an escaped char, an inserted sentence end ``.[]``, or a superblank.
_STREAM_OUT = re.compile(r"\\(.)|\.?\[\]|\[((?:[^\]\\]|\\.)*)\]", re.DOTALL)


def to_iso639_1(code: str) -> str:
    """``eng`` -> ``en``; two-letter codes and codes without an ISO 639-1 form pass through."""
    return _ISO639_1.get(code, code)


@dataclass(frozen=True, slots=True)
class ApertiumMode:
    """An installed translation mode: ``es-pt_BR`` is es->pt, variant ``BR``."""

    name: str
    source: str
    target: str
    variant: str = ""

    @classmethod
    def from_name(cls, name: str) -> ApertiumMode | None:
        """The mode called ``name``, or None if the name is not a translation direction."""
        match = _MODE_NAME.fullmatch(name)
        if match is None:
            return None
        source, source_variant, target, target_variant = match.groups()
        variant = "_".join(v for v in (source_variant, target_variant) if v)
        return cls(name, to_iso639_1(source), to_iso639_1(target), variant)

    def serves(self) -> list[tuple[tuple[str, str], bool]]:
        """The (source, target) pairs this mode translates, each with whether it is the pair's exact mode.

        Only a plain mode into a macrolanguage (``eng-hbs``) is not exact: it serves the
        standards whose own variant mode (``eng-hbs_HR``) is missing. See the module docstring.
        """
        sources = sorted(_STANDARDS.get(self.source, {self.source: ""}))
        standards = _STANDARDS.get(self.target)
        target_variant = (_MODE_NAME.fullmatch(self.name) or [None] * 5)[4]  # type: ignore[index]
        if standards is None:
            targets = [(self.target, True)]
        else:
            named = [lang for lang, tag in standards.items() if tag == target_variant]
            targets = [(lang, True) for lang in named] or [(lang, False) for lang in sorted(standards)]
        return [((s, t), exact) for s in sources for t, exact in targets if s != t]


def _to_stream(text: str) -> str:
    def escape(match: re.Match[str]) -> str:
        found = match.group()
        if not found.isspace():  # ~ triggers postgeneration: destxt keeps it as formatting
            return "[~]" if found == "~" else "\\" + found
        # A blank line ends a paragraph: destxt adds a sentence end there so the tagger resets.
        return found if found == " " else (".[]" if found.count("\n") > 1 else "") + f"[{found}]"

    # A NUL inside a text would end it early: it becomes a space.
    return _STREAM_SPECIAL.sub(escape, text.replace("\0", " ").strip())


def _from_stream(stream: str) -> str:
    # Superblanks hold only what _to_stream put there (whitespace, ~), so their content is plain text.
    return _STREAM_OUT.sub(lambda match: match.group(1) or match.group(2) or "", stream)


def _parse_segment(segment: str) -> tuple[int, str] | None:
    """``(index, translation)`` from one output segment, or None unless it holds exactly one marker, last."""
    markers = [m for m in _STREAM_OUT.finditer(segment) if re.fullmatch(r"[0-9]+", m.group(2) or "")]
    if len(markers) != 1 or segment[markers[0].end() :].strip():
        return None
    # The period before the marker is the sentence end added with it.
    return int(markers[0].group(2)), _from_stream(segment[: markers[0].start()].removesuffix("."))


def _output(command: list[str]) -> str:
    """What a short query prints, or "" if it cannot run (no dpkg-query is not an error)."""
    try:  # dpkg-query exits 1 when one of the names it is given is unknown, yet prints the others
        return subprocess.run(command, check=False, capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


def _failure(mode: str, text: str, status: int, stderr: str) -> str:
    shown = repr(textwrap.shorten(text, 60, placeholder="..."))
    if status == 0:
        how = f"gave no translation for {shown} though it exited with status 0 (a stage probably crashed)"
    else:
        how = f"was killed by signal {-status} on {shown}" if status < 0 else f"exited with status {status} on {shown}"
    return f"apertium {mode} {how}; stderr: {stderr}. Check with: echo TEXT | apertium {mode}"


class ApertiumEngine(BaseEngine):
    """Apertium's installed modes as an engine; see the module docstring for how batches travel.

    Args:
        prefer: mode names to use instead of their pair's plain mode, e.g. ``["es-pt_BR"]``.
        mark_unknown: keep Apertium's ``*``/``#``/``@`` marks on words it does not know.
        data_dir: a folder holding ``modes/*.mode`` (as ``apertium -d``), for pairs
            compiled outside the system's Apertium folder.
        batch_size: most texts per process, to bound memory.

    Raises:
        EngineNotInstalled: no ``apertium`` binary on PATH (the message names the apt packages).
        ModelNotInstalled: a ``prefer`` name is not an installed mode.
        EngineError: ``data_dir`` has no modes, or listing the modes failed.
    """

    name = "apertium"
    kind = "rule-based"
    add_model_hint = "Add a pair with: apt-get install apertium-<pair> (apt-cache search apertium- lists them)."
    #: Seconds a batch may take before the pipeline is taken for hung: generous, as a slow machine still does
    #: dozens of sentences a second, and a machine busy with other work (a CI run beside four test processes on
    #: two cores took 31 s for a 3-text batch of spa-eng) must not be told its engine failed.
    timeout_base: float = 120.0
    timeout_per_text: float = 0.2

    def __init__(
        self,
        *,
        prefer: Iterable[str] = (),
        mark_unknown: bool = False,
        data_dir: str | os.PathLike[str] | None = None,
        batch_size: int = 500,
    ) -> None:
        binary = shutil.which("apertium")
        if binary is None:
            raise EngineNotInstalled(f"Apertium is not installed; install it with: {INSTALL}")
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {batch_size}")
        if data_dir is not None and not (Path(data_dir) / "modes").is_dir():
            raise EngineError(f"{data_dir} has no modes/ folder; data_dir must hold modes/*.mode, as for apertium -d.")
        self._binary = binary
        self._dir_args = [] if data_dir is None else ["-d", str(data_dir)]
        self.mark_unknown = mark_unknown
        self.batch_size = batch_size
        self._modes = self._discover()
        self._default = self._choose(self._modes, prefer)
        self._versions: dict[str, str] = {}
        self._packaged: set[str] = set()  # modes whose package dpkg was asked for by file

    def __repr__(self) -> str:
        return f"ApertiumEngine({len(self._modes)} modes, mark_unknown={self.mark_unknown})"

    def _discover(self) -> list[ApertiumMode]:
        # ``apertium -l`` reads the same folder translation will, honouring APERTIUM_DATADIR and -d.
        command = [self._binary, *self._dir_args, "-l"]
        try:
            listing = subprocess.run(command, capture_output=True, text=True, timeout=30, check=True).stdout
        except (OSError, subprocess.SubprocessError) as exc:
            raise EngineError(f"Cannot list Apertium's modes with {' '.join(command)}: {exc}") from exc
        return sorted(filter(None, map(ApertiumMode.from_name, listing.split())), key=lambda mode: mode.name)

    def _choose(self, modes: list[ApertiumMode], prefer: Iterable[str]) -> dict[tuple[str, str], ApertiumMode]:
        def rank(mode: ApertiumMode, exact: bool) -> tuple[bool, bool, int, str]:
            # The pair's exact mode first; a variant only when it is what names a standard (eng-hbs_HR).
            standard = exact and mode.target in _STANDARDS
            return not exact, mode.variant != "" and not standard, len(mode.name), mode.name

        ranked = sorted(((rank(mode, exact), pair, mode) for mode in modes for pair, exact in mode.serves()))
        chosen: dict[tuple[str, str], ApertiumMode] = {}
        for _, pair, mode in ranked:
            chosen.setdefault(pair, mode)
        named = {mode.name: mode for mode in modes}
        for name in prefer:
            if name not in named:
                raise ModelNotInstalled(
                    f"No Apertium mode {name!r}. Installed modes: {', '.join(named) or 'none'}. {self.add_model_hint}"
                )
            for pair, _ in named[name].serves():
                chosen[pair] = named[name]
        return chosen

    def modes(self) -> list[ApertiumMode]:
        """Every installed translation mode, variants included, sorted by name."""
        return list(self._modes)

    def pairs(self) -> list[tuple[str, str]]:
        """The (source, target) ISO 639-1 pairs with an installed mode."""
        return sorted(self._default)

    def mode(self, source: str, target: str) -> ApertiumMode:
        """The mode used for ``source -> target``.

        Raises:
            ModelNotInstalled: no mode for the pair (the message lists the installed pairs).
        """
        self.check_pair(source, target)
        return self._default[(source, target)]

    def model(self, source: str, target: str) -> Model:
        """The mode's name and its Debian package's version (else ``apertium-<Apertium's version>``)."""
        mode = self.mode(source, target)
        if mode.name not in self._versions:
            engine_version = (_output([self._binary, "-V"]).split() or ["unknown"])[-1]  # "Apertium 3.8.3"
            self._versions[mode.name] = self._package_version(mode) or f"apertium-{engine_version}"
        return Model(mode.name, self._versions[mode.name])

    def signature(self, source: str, target: str) -> str:
        """``apertium|eng-spa-0.8.1-2|en-es``; ``|script:cyrl2latn``, ``|unknown:marked`` when they apply.

        ``script:cyrl2latn``: texts from sr or bs are written in Latin first (see the
        module docstring). ``unknown:marked``: unknown words keep Apertium's marks.
        """
        base = super().signature(source, target)
        converted = "|script:cyrl2latn" if self._to_latin(source, target) else ""
        return f"{base}{converted}|unknown:marked" if self.mark_unknown else f"{base}{converted}"

    def _to_latin(self, source: str, target: str) -> bool:
        """Whether texts from ``source`` are written in Latin before the pair's mode reads them."""
        return source in _CYRILLIC_TOO and self.mode(source, target).source == "sh"

    def _package_version(self, mode: ApertiumMode) -> str | None:
        if self._dir_args:
            return None  # a pair compiled by hand: no package describes it
        raw_source, _, raw_target, _ = _MODE_NAME.fullmatch(mode.name).groups()  # type: ignore[union-attr]
        # spa-eng ships in apertium-eng-spa: the package may name the pair either way round.
        candidates = [f"apertium-{raw_source}-{raw_target}", f"apertium-{raw_target}-{raw_source}"]
        fmt = "${Package}\t${db:Status-Abbrev}\t${Version}\n"
        rows = (line.split("\t") for line in _output(["dpkg-query", "-W", "-f", fmt, *candidates]).splitlines())
        installed = {row[0]: row[2] for row in rows if len(row) == 3 and row[1].startswith("ii") and row[2]}
        found = next((installed[name] for name in candidates if name in installed), None)
        if found is not None or mode.name in self._packaged:
            return found
        # A package named otherwise (nob-swe ships in apertium-swe-nor): ask dpkg whose mode file it is.
        self._packaged.add(mode.name)
        owner = _output(["dpkg-query", "-S", f"*/apertium/modes/{mode.name}.mode"]).partition(":")[0].strip()
        if not owner.startswith("apertium-"):
            return None
        row = _output(["dpkg-query", "-W", "-f", fmt, owner]).strip().split("\t")
        return row[2] if len(row) == 3 and row[1].startswith("ii") and row[2] else None

    def _translate(self, texts: list[str], source: str, target: str) -> list[str]:
        mode = self.mode(source, target).name
        if self._to_latin(source, target):
            texts = [to_serbian_latin(text) for text in texts]
        done: dict[int, str] = {}
        failed: dict[int, str] = {}
        size = self.batch_size
        stack = [list(range(i, min(i + size, len(texts)))) for i in range(0, len(texts), size)][::-1]
        while stack:
            batch = stack.pop()
            got, status, stderr = self._run(mode, [(i, texts[i]) for i in batch])
            done.update(got)
            missing = [i for i in batch if i not in got]
            if not missing:
                continue
            if len(batch) == 1:  # alone, it still breaks the pipeline: it fails, the others go on
                failed[batch[0]] = _failure(mode, texts[batch[0]], status, stderr)
            elif len(missing) < len(batch):
                stack.append(missing)  # keep the verified outputs; retry the rest
            else:  # nothing usable: halve, so a text that breaks the pipeline ends up alone
                half = len(batch) // 2
                stack += [batch[half:], batch[:half]]
        if failed:
            raise PartialTranslation([done.get(i) for i in range(len(texts))], failed)
        return [done[i] for i in range(len(texts))]

    def _run(self, mode: str, items: list[tuple[int, str]]) -> tuple[dict[int, str], int, str]:
        """One process: the outputs carrying their own marker (by index), the exit status, stderr's last line.

        Missing outputs, not the status, decide what is retried: a crashing stage
        may leave status 0 (the mode runs without pipefail) or 141 (SIGPIPE upstream).
        """
        command = [self._binary, *self._dir_args, "-f", "none", "-z", *([] if self.mark_unknown else ["-u"]), mode]
        payload = "".join(f"{_to_stream(text)}.[{index}]\0" for index, text in items).encode()
        timeout = self.timeout_base + self.timeout_per_text * len(items)
        try:
            # A session of its own, so a timeout can kill the whole pipeline behind the apertium script.
            proc = subprocess.Popen(command, stdin=PIPE, stdout=PIPE, stderr=PIPE, start_new_session=True)
        except OSError as exc:
            raise EngineError(f"Cannot start apertium {mode}: {exc}") from exc
        try:
            out, err = proc.communicate(payload, timeout=timeout)
        except BaseException as exc:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            if isinstance(exc, subprocess.TimeoutExpired):  # not bisected: each half could hang as long
                raise EngineError(f"apertium {mode} took over {timeout:g} s for {len(items)} texts; stopped.") from exc
            raise
        wanted = {index for index, _ in items}
        valid = [p for p in map(_parse_segment, out.decode("utf-8", "replace").split("\0")) if p is not None]
        seen = Counter(index for index, _ in valid)
        # An index seen twice means the stream went wrong somewhere: trust neither copy.
        got = {index: text for index, text in valid if index in wanted and seen[index] == 1}
        lines = [line.strip() for line in err.decode("utf-8", "replace").splitlines() if line.strip()]
        return got, proc.returncode, lines[-1] if lines else "no error output"
