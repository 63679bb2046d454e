"""How long the annotation workspace takes to become usable in Chromium.

    .venv/bin/python bench/bench_workspace.py [--runs 5] [--sizes 500 5000] \
        [--database-url postgres://postgres@127.0.0.1:5432/fc_bench_workspace]

Builds, in a temporary SQLite database (or the given one, created if missing), one bench
corpus document per size (every sentence annotated, one in ten twice, one or two sources
each: the heaviest realistic page) plus an unannotated document of the largest size;
serves them with ``runserver`` on a random port; opens each workspace in Debian's Chromium
and reads, from the page's own clock (milliseconds since navigation start):

- ``first byte`` / ``last byte``: the HTML starts / finishes arriving (server + transfer),
- ``parsed``: the HTML is parsed (``domInteractive``),
- ``ready``: the workspace script has indexed the annotations, drawn the marks of the
  first sentences and set ``body[data-ready]``,
- ``j works``: a key press has selected the first sentence and filled the panel, layout
  included: the page is usable.

Prints one table of medians over ``--runs`` loads (after one warm-up load per page).
DEBUG is on so that ``runserver`` serves the static files; production adds no work here.
"""

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
USERNAME, PASSWORD = "bench-anna", "bench-password-1"

TIMINGS_JS = """() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const ready = performance.getEntriesByName('workspace-ready')[0];
    return {ttfb: nav.responseStart, response: nav.responseEnd, parsed: nav.domInteractive,
            ready: ready ? ready.startTime : null,
            bytes: nav.decodedBodySize, sentences: document.querySelectorAll('.s').length,
            annotated: document.querySelectorAll('.s.has-a').length};
}"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_pages(sizes: list[int]) -> list[tuple[str, int]]:
    """Create the documents; return (label, document id) for each page to measure."""
    from corpus import build, document_text, setup_django

    setup_django()
    import random

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from annotations import services
    from annotations.models import Document, Project

    pages = []
    for size in sizes:
        started = time.perf_counter()
        summary = build(1, size, quiet=True)
        document = Document.objects.get(project__slug=summary["project"])
        print(
            f"built {size} sentences, {summary['annotations']} annotations, "
            f"{summary['sources']} sources in {time.perf_counter() - started:.0f}s",
            file=sys.stderr,
        )
        pages.append((f"{size} sentences, {summary['annotations']} annotations", document.pk))
    largest = max(sizes)
    project = Project.objects.get(slug=f"bench-1x{largest}")
    plain = Document.objects.filter(project=project, title="Unannotated").first()
    if plain is None:
        plain = services.import_document(
            project=project,
            data=services.DocumentInput(
                title="Unannotated", text=document_text(random.Random(99), largest)
            ),
        )
    pages.append((f"{largest} sentences, no annotations", plain.pk))
    return pages


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server at {url} did not start")


def measure(base: str, pages, runs: int) -> list[dict]:
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", USERNAME)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/")
        for label, document_id in pages:
            samples = []
            for run in range(runs + 1):
                page.goto(f"{base}/documents/{document_id}/annotate/", wait_until="commit")
                page.wait_for_function("() => document.body && document.body.dataset.ready === '1'")
                # Usable: a key press selects a sentence and fills the panel.
                started = page.evaluate("performance.now()")
                page.keyboard.press("j")
                page.wait_for_function(
                    "() => document.getElementById('panel-title').textContent"
                    ".startsWith('Sentence 1 ')"
                )
                key_done = page.evaluate("performance.now()")
                timings = page.evaluate(TIMINGS_JS)
                timings["j"] = timings["ready"] + (key_done - started)
                if run:  # the first load warms caches and the server
                    samples.append(timings)
            rows.append(
                {
                    "page": label,
                    "html_kb": samples[0]["bytes"] / 1024,
                    "sentences": samples[0]["sentences"],
                    **{
                        key: statistics.median(s[key] for s in samples)
                        for key in ("ttfb", "response", "parsed", "ready", "j")
                    },
                }
            )
        browser.close()
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 5000])
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    args = parser.parse_args()

    database_url, workdir = args.database_url, None
    if database_url:
        from run import ensure_database

        ensure_database(database_url)
    else:
        workdir = tempfile.mkdtemp(prefix="fc-bench-workspace-")
        database_url = f"sqlite:///{workdir}/bench.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "1",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
    }
    os.environ.update(env)
    pages = build_pages(args.sizes)

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/healthz")
        rows = measure(base, pages, args.runs)
    finally:
        server.terminate()
        server.wait(timeout=10)
        if workdir:
            shutil.rmtree(workdir, ignore_errors=True)

    engine = database_url.split(":", 1)[0]
    print(f"\nWorkspace page on {engine}, median of {args.runs} loads, ms from navigation start")
    print(
        f"{'page':<40} {'HTML KB':>8} {'first byte':>10} {'last byte':>9} {'parsed':>7} "
        f"{'ready':>6} {'j works':>8}"
    )
    for row in rows:
        print(
            f"{row['page']:<40} {row['html_kb']:>8.0f} {row['ttfb']:>10.0f} "
            f"{row['response']:>9.0f} {row['parsed']:>7.0f} {row['ready']:>6.0f} {row['j']:>8.0f}"
        )
    if len(rows) >= 2:
        print(
            f"\nready ratio largest/smallest annotated: {rows[-2]['ready'] / rows[0]['ready']:.1f}"
        )


if __name__ == "__main__":
    main()
