"""Export at 10k, 100k and 1M annotations: time and peak memory, one process each.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fc_bench \
        .venv/bin/python bench/bench_export_scale.py [--sizes 10000,100000,1000000] \
        [--formats json,jsonl] [--http]

Builds (or reuses) one ``bench/corpus_bulk.py`` project per size, then runs
``bench/bench_export.py`` on each in a fresh process, so that ``ru_maxrss`` (the peak
resident memory) belongs to that export alone. ``--http`` also measures each export
through ``GET /api/v1/export/annotations``. Prints a Markdown table.
"""

import argparse
import os
import platform
import subprocess
import sys

from run import BENCH, PYTHON, ROOT, bench_env, ensure_database, run, table


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--formats", default="json,jsonl")
    parser.add_argument("--http", action="store_true")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{BENCH / 'bench.sqlite3'}"
    env = bench_env(database_url)
    ensure_database(database_url)
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    rows = []
    for size in [int(size) for size in args.sizes.split(",")]:
        print(f"Building or reusing {size:,} annotations…", file=sys.stderr)
        corpus = run(["bench/corpus_bulk.py", "--annotations", str(size)], env)
        for fmt in args.formats.split(","):
            base = ["bench/bench_export.py", "--project", corpus["project"], "--format", fmt]
            for via in (["--http"] if args.http else []) + [None]:
                result = run([*base, via] if via else base, env)
                rows.append(
                    [
                        f"{result['annotations']:,}",
                        fmt,
                        result["via"],
                        f"{result['seconds']:.3f}",
                        f"{result['per_second']:,}",
                        f"{result['cpu_seconds']:.2f}",
                        result["megabytes"],
                        result["rss_before_mb"],
                        result["rss_peak_mb"],
                    ]
                )
    engine = database_url.split(":", 1)[0]
    print(f"\n{engine}, Python {platform.python_version()}, {os.cpu_count()} CPUs\n")
    print(
        table(
            [
                "annotations",
                "format",
                "via",
                "seconds",
                "annotations/s",
                "CPU s",
                "MB out",
                "RSS before (MB)",
                "peak RSS (MB)",
            ],
            rows,
        )
    )


if __name__ == "__main__":
    main()
