"""Build a large annotated corpus fast: 10k, 100k or 1M annotations for the export bench.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fc_bench \
        .venv/bin/python bench/corpus_bulk.py --annotations 1000000

Documents of 1,000 sentences go through ``services.import_documents`` (the batch import:
segmented and stored as in production, 50 per call). The annotations (one per sentence),
their creation records in history and a source for every other annotation are then
written by three ``INSERT … SELECT`` statements, one row per sentence, without a round
trip per row: the rows ``services.create_annotation`` would leave for the export (source
history is left out; the export does not read it). Project ``bulk-<annotations>``; a
second run with the same size reuses it. Works on PostgreSQL and SQLite.
"""

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import STATUSES, document_text, setup_django, summary

SENTENCES_PER_DOCUMENT = 1000
DOCUMENTS_PER_BATCH = 50


def slug_for(annotations: int) -> str:
    return f"bulk-{annotations}"


def build(annotations: int, *, quiet: bool = False) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from annotations import services
    from annotations.models import Annotation, Project

    slug = slug_for(annotations)
    documents = max(1, annotations // SENTENCES_PER_DOCUMENT)
    project = Project.objects.filter(slug=slug).first()
    complete = project is not None and project.documents.count() == documents
    if complete and Annotation.objects.filter(project=project).exists():
        return summary(project)
    if project is not None:
        Annotation.objects.filter(project=project).delete()
        project.delete()
    owner, _ = get_user_model().objects.get_or_create(username="bench-owner")
    owner.set_password("bench-password-1")
    owner.save()
    project = services.create_project(name=f"Bulk {annotations}", slug=slug, owner=owner)
    rng = random.Random(annotations)
    started = time.perf_counter()
    for first in range(0, documents, DOCUMENTS_PER_BATCH):
        records = [
            (
                project,
                services.DocumentInput(
                    title=f"Bulk story {number}",
                    text=f"Story {number}.\n" + document_text(rng, SENTENCES_PER_DOCUMENT - 1),
                    url=f"https://news.example/{slug}/{number}",
                    publisher="Bench Wire",
                ),
            )
            for number in range(first, min(documents, first + DOCUMENTS_PER_BATCH))
        ]
        services.import_documents(records=records, created_by=owner)
        if not quiet:
            done = min(documents, first + DOCUMENTS_PER_BATCH)
            print(
                f"  {done}/{documents} documents, {time.perf_counter() - started:.0f}s",
                file=sys.stderr,
            )
    claim_types = list(project.claim_types.values_list("id", flat=True))
    now = timezone.now()

    def pick(column: str, values: list) -> tuple[str, list]:
        """``CASE column % n WHEN 0 THEN %s …``: a value chosen by the row, portably."""
        whens = " ".join(f"WHEN {k} THEN %s" for k in range(len(values)))
        return f"CASE {column} %% {len(values)} {whens} END", list(values)

    status_sql, status_params = pick("s.id", STATUSES)
    type_sql, type_params = pick("s.id", claim_types)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO annotations_annotation (
                start, "end", quote, verification_status, rationale, created_at, updated_at,
                version, review_state, reviewed_at, review_comment, annotator_id,
                reviewed_by_id, claim_type_id, document_id, project_id, sentence_id)
            SELECT s.start, s."end", s.text, {status_sql}, 'Checked against the records.',
                   %s, %s, 1, 'pending', NULL, '', %s, NULL, {type_sql}, s.document_id, %s, s.id
            FROM annotations_sentence s
            JOIN annotations_document d ON d.id = s.document_id
            WHERE d.project_id = %s
            """,
            [*status_params, now, now, owner.pk, *type_params, project.pk, project.pk],
        )
        cursor.execute(
            """
            INSERT INTO annotations_historicalannotation (
                id, start, "end", quote, verification_status, rationale, created_at, version,
                review_state, reviewed_at, review_comment, history_date,
                history_change_reason, history_type, annotator_id, claim_type_id, document_id,
                history_user_id, reviewed_by_id, project_id, sentence_id)
            SELECT id, start, "end", quote, verification_status, rationale, created_at,
                   version, review_state, reviewed_at, review_comment, created_at, 'bench',
                   '+', annotator_id, claim_type_id, document_id, annotator_id,
                   reviewed_by_id, project_id, sentence_id
            FROM annotations_annotation WHERE project_id = %s
            """,
            [project.pk],
        )
        cursor.execute(
            """
            INSERT INTO annotations_source (
                url, title, publisher, stance, excerpt, accessed_at, position, created_at,
                annotation_id)
            SELECT 'https://evidence.example/' || id, 'Evidence for claim ' || id,
                   'Records office', 'refutes', 'The records show a different figure.',
                   NULL, 0, %s, id
            FROM annotations_annotation WHERE project_id = %s AND id %% 2 = 0
            """,
            [now, project.pk],
        )
        cursor.execute("ANALYZE")
    if not quiet:
        print(f"  annotations written, {time.perf_counter() - started:.0f}s", file=sys.stderr)
    return summary(project)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--annotations", type=int, default=10_000)
    args = parser.parse_args()
    setup_django()
    print(json.dumps(build(args.annotations)))


if __name__ == "__main__":
    main()
