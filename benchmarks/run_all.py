"""Run every benchmark in one go, sharing the built stores: ``run_all.py [--quick]``.

Stores are built once under a temporary folder in ``benchmarks/out/``
(git-ignored) and deleted at the end, unless ``--workdir`` names a folder to keep.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import _common as C
import bench_actors
import bench_agreement
import bench_align
import bench_annotator_browser
import bench_claims
import bench_compare
import bench_distributed
import bench_edit_latency
import bench_export
import bench_formats
import bench_languages
import bench_layers
import bench_learning
import bench_migrate_store
import bench_project
import bench_project_batch
import bench_spans_frame
import bench_stance
import bench_suggest
import bench_suggest_gold
import bench_translate
import bench_wordalign
import bench_writers

BENCHMARKS = (
    bench_edit_latency, bench_spans_frame, bench_export, bench_translate, bench_languages, bench_align, bench_compare,
    bench_annotator_browser, bench_suggest, bench_actors, bench_stance, bench_suggest_gold, bench_learning,
    bench_project, bench_wordalign, bench_claims, bench_agreement, bench_formats, bench_layers,
    bench_distributed, bench_writers, bench_migrate_store, bench_project_batch,
)  # fmt: skip


def main(argv: Sequence[str] | None = None) -> None:
    args = C.parse_args(__doc__.splitlines()[0], argv)
    print(f"annot benchmarks ({'quick' if args.quick else 'full'} sizes)")
    print(C.machine_line())
    t0 = time.perf_counter()
    with C.workdir(args.workdir) as root:
        for bench in BENCHMARKS:
            t = time.perf_counter()
            extra = ["--quick"] if args.quick else []
            bench.main([*extra, "--workdir", str(root)])
            print(f"[{bench.__name__}: {time.perf_counter() - t:.0f} s]", flush=True)
    print(f"\nall benchmarks: {time.perf_counter() - t0:.0f} s wall; {C.machine_line()}")


if __name__ == "__main__":
    main()
