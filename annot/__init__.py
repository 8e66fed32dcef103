"""annot: offline translation and annotation of news articles, with a pandas-backed store.

The public API, light to import (pandas, lingua, trafilatura and pysbd load on
first use)::

    import annot
    store = annot.open_project("project")
    annot.ingest("corpus/", store)
    store.spans(label="QUANTITY")
    annot.suggest_documents(store)  # actors and quantities as pending spans
    annot.export_jsonl(store, "exports/corpus.jsonl")
    annot.compare("belarus-russian-grouping", store, target="pt")  # every engine side by side, scored
    annot.project(store, "belarus-russian-grouping", "pt")  # each span found in each translation: kept, changed, lost
    annot.fidelity(store, "belarus-russian-grouping", "pt")  # what each translation lost, changed or added
    ledger = annot.claims(store)  # who claimed how many of what, how sure, grouped across sources
    annot.actor_stance(store)  # who supports, opposes or doubts whom
    annot.agreement(store).summary()  # how far the annotators agree: span F1, alpha, label confusion
"""

from __future__ import annotations

from annot import project  # the package, callable: annot.project(store, doc, "pt") is annot.project.project
from annot.analysis import Agreement, actor_stance, agreement, claim_groups, claims, discrepancies, timeline
from annot.compare import compare, corpus_scores
from annot.errors import (
    AlignmentError,
    AnnotError,
    CorpusError,
    EditConflict,
    EngineError,
    EngineNotInstalled,
    FormatError,
    MetadataError,
    ModelNotInstalled,
    NotFound,
    OutputError,
    SchemaError,
    SpanError,
    StoreError,
    SuggesterError,
)
from annot.export import ExportResult, ImportResult, export_jsonl, import_jsonl, iter_records
from annot.ingest import read_file
from annot.model import AlignmentInfo, Bead, Document, Link, Origin, Sentence, Span, Status, Translation
from annot.pipeline import EngineRun, IngestReport, TranslateReport, ingest, open_project, translate
from annot.project.fidelity import fidelity
from annot.schema import LabelSchema, load_schema
from annot.segment import segment
from annot.store import AddResult, Store
from annot.suggestion_layer import SuggestReport, SuggestRun, suggest_documents
from annot.translate.checks import NumberCheck, check_numbers

__version__ = "0.1.0"

__all__ = [
    "AddResult",
    "Agreement",
    "AlignmentError",
    "AlignmentInfo",
    "AnnotError",
    "Bead",
    "CorpusError",
    "Document",
    "EditConflict",
    "EngineError",
    "EngineNotInstalled",
    "EngineRun",
    "ExportResult",
    "FormatError",
    "ImportResult",
    "IngestReport",
    "LabelSchema",
    "Link",
    "MetadataError",
    "ModelNotInstalled",
    "NotFound",
    "NumberCheck",
    "Origin",
    "OutputError",
    "SchemaError",
    "Sentence",
    "Span",
    "SpanError",
    "Status",
    "Store",
    "StoreError",
    "SuggestReport",
    "SuggestRun",
    "SuggesterError",
    "TranslateReport",
    "Translation",
    "__version__",
    "actor_stance",
    "agreement",
    "check_numbers",
    "claim_groups",
    "claims",
    "compare",
    "corpus_scores",
    "discrepancies",
    "export_jsonl",
    "fidelity",
    "import_jsonl",
    "ingest",
    "iter_records",
    "load_schema",
    "open_project",
    "project",
    "read_file",
    "segment",
    "suggest_documents",
    "timeline",
    "translate",
]
