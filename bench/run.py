"""Run the export and API benchmarks at a given scale and print the tables.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fc_bench \
        .venv/bin/python bench/run.py --scale small|medium|large

(``make bench BENCH_ARGS="--scale large"``.) The database named in ``DATABASE_URL`` is the
bench's own: it is created if missing (PostgreSQL), migrated, and keeps its corpus between
runs. Without ``DATABASE_URL`` the bench uses ``bench/bench.sqlite3``. Every measurement runs
in a fresh process so that peak memory figures do not mix.
"""

import argparse
import json
import math
import os
import platform
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PYTHON = sys.executable

SCALES = {  # documents x sentences per document
    "small": (10, 100),
    "medium": (100, 100),
    "large": (100, 1000),
}
FORMATS = ["json", "jsonl", "csv", "claimreview", "w3c"]
SUBSET_ANNOTATIONS = 10_000


def bench_env(database_url: str) -> dict:
    """Production-like settings: DEBUG off (no query log), no HTTPS redirect in-process."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-not-secret",
        "ALLOWED_HOSTS": "localhost",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
    }


def ensure_database(database_url: str) -> None:
    parts = urlsplit(database_url)
    if not parts.scheme.startswith("postgres"):
        return
    import psycopg

    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone() is None:
            connection.execute(f'CREATE DATABASE "{name}"')


def run(args: list[str], env: dict) -> dict:
    result = subprocess.run(
        [PYTHON, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode:
        sys.exit(f"{' '.join(args)} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def table(headers: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=SCALES, default="small")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--skip-api", action="store_true")
    parser.add_argument("--repeat", type=int, default=30, help="Requests per API measurement.")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{BENCH / 'bench.sqlite3'}"
    env = bench_env(database_url)
    documents, sentences = SCALES[args.scale]

    ensure_database(database_url)
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    print(f"Building or reusing the corpus ({documents}x{sentences})", file=sys.stderr)
    corpus = run(
        ["bench/corpus.py", "--documents", str(documents), "--sentences", str(sentences)], env
    )
    engine = urlsplit(database_url).scheme
    print(
        f"\nScale {args.scale}: {corpus['documents']} documents, {corpus['sentences']:,} "
        f"sentences, {corpus['annotations']:,} annotations, {corpus['sources']:,} sources; "
        f"{engine}, Python {platform.python_version()}, {os.cpu_count()} CPUs.\n"
    )

    per_document = corpus["annotations"] / corpus["documents"]
    subset = math.ceil(SUBSET_ANNOTATIONS / per_document)
    rows = []
    for fmt in args.formats.split(","):
        print(f"Exporting {fmt}…", file=sys.stderr)
        base = ["bench/bench_export.py", "--project", corpus["project"], "--format", fmt]
        small = run([*base, "--documents", str(subset)], env) if subset < documents else None
        full = run(base, env)
        http = run([*base, "--http"], env)
        rows.append(
            [
                fmt,
                f"{full['annotations']:,}",
                f"{full['seconds']:.2f}",
                f"{full['per_second']:,}",
                f"{full['per_cpu_second']:,}",
                full["megabytes"],
                f"{small['rss_peak_mb']} ({small['annotations']:,})" if small else "—",
                full["rss_peak_mb"],
                full["rss_before_mb"],
                f"{http['per_second']:,}",
                http["rss_peak_mb"],
            ]
        )
    print("Export (one process per measurement; memory is peak RSS in MB)\n")
    print(
        table(
            [
                "format",
                "annotations",
                "seconds",
                "annotations/s",
                "annotations per CPU-second",
                "MB out",
                "peak RSS, ~10k annotations",
                "peak RSS, whole corpus",
                "RSS before export",
                "annotations/s through GET /api/v1/export/annotations",
                "peak RSS of that request",
            ],
            rows,
        )
    )
    if not args.skip_api:
        print("\nMeasuring the API…", file=sys.stderr)
        api = run(
            ["bench/bench_api.py", "--project", corpus["project"], "--repeat", str(args.repeat)],
            env,
        )
        print("\nAPI latency (in-process Django test client, token auth)\n")
        print(
            table(
                ["request", "n", "median ms", "p95 ms", "queries"],
                [
                    [name, r["requests"], r["median_ms"], r["p95_ms"], r["queries"]]
                    for name, r in api.items()
                ],
            )
        )


if __name__ == "__main__":
    main()
