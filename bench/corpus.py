"""Build a synthetic annotated corpus for the benchmarks.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fc_bench \
        .venv/bin/python bench/corpus.py --documents 100 --sentences 1000

Projects, users and documents go through the services (``import_document`` segments each
text, as in production). For speed, annotations and sources are then written with
``bulk_create_with_history`` — the same rows and one history record each, as a create
through ``services.create_annotation`` leaves, without a round trip per row. About 95% of
the sentences get an annotation and one in ten a second one by another annotator; each
annotation has one or two sources. A second run with the same shape reuses the corpus.
"""

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django():
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    django.setup()


CITIES = ["Kansas City", "St. Louis", "Omaha", "Wichita", "Tulsa", "Des Moines", "Topeka"]
SUBJECTS = ["The city council", "Mayor Jane Smith", "The county sheriff", "State officials"]
VERBS = ["approved", "rejected", "proposed", "defended", "questioned", "announced"]
OBJECTS = ["a budget of ${n} million", "{n} new officers", "a {n}% tax increase", "{n} arrests"]
STATUSES = ["unverified", "in_progress", "true", "mostly_true", "mixed", "mostly_false", "false"]
STATUSES += ["misleading", "unverifiable"]
STANCES = ["supports", "refutes", "context"]


def sentence(rng: random.Random) -> str:
    thing = rng.choice(OBJECTS).format(n=rng.randint(2, 900))
    return (
        f"{rng.choice(SUBJECTS)} in {rng.choice(CITIES)} {rng.choice(VERBS)} {thing} "
        f"on {rng.choice(['Monday', 'Tuesday', 'Friday'])}, according to records."
    )


def document_text(rng: random.Random, sentences: int) -> str:
    """Paragraphs of five sentences, one paragraph per line, like wire copy."""
    lines = []
    for start in range(0, sentences, 5):
        lines.append(" ".join(sentence(rng) for _ in range(min(5, sentences - start))))
    return "\n".join(lines)


def project_slug(documents: int, sentences: int) -> str:
    return f"bench-{documents}x{sentences}"


def build(documents: int, sentences: int, *, seed: int = 7, quiet: bool = False) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from simple_history.utils import bulk_create_with_history

    from annotations import services
    from annotations.models import Annotation, Project, Role, Source

    slug = project_slug(documents, sentences)
    project = Project.objects.filter(slug=slug).first()
    if project is not None and project.documents.count() == documents:
        return summary(project)
    if project is not None:
        Annotation.objects.filter(project=project).delete()
        project.delete()
    rng = random.Random(seed)
    User = get_user_model()
    users = {}
    for username in ("bench-owner", "bench-anna", "bench-alex", "bench-rita"):
        users[username], _ = User.objects.get_or_create(username=username)
        users[username].set_password("bench-password-1")
        users[username].save()
    started = time.perf_counter()
    project = services.create_project(
        name=f"Bench {documents}x{sentences}", slug=slug, owner=users["bench-owner"]
    )
    for username in ("bench-anna", "bench-alex", "bench-rita"):
        role = Role.REVIEWER if username == "bench-rita" else Role.ANNOTATOR
        services.add_member(project=project, user=users[username], role=role)
    claim_types = list(project.claim_types.all())
    annotators = [users["bench-anna"], users["bench-alex"], users["bench-rita"]]
    for number in range(documents):
        with transaction.atomic():
            document = services.import_document(
                project=project,
                data=services.DocumentInput(
                    title=f"Bench story {number}",
                    text=document_text(rng, sentences),
                    url=f"https://news.example/{slug}/{number}",
                    publisher="Bench Wire",
                ),
                created_by=users["bench-owner"],
            )
            annotations = []
            for s in document.sentences.all():
                if rng.random() < 0.95:
                    annotations.append(annotation(document, s, annotators[0], claim_types, rng))
                if rng.random() < 0.10:
                    annotations.append(annotation(document, s, annotators[1], claim_types, rng))
            annotations = bulk_create_with_history(
                annotations, Annotation, batch_size=1000, default_change_reason="bench"
            )
            sources = [
                Source(
                    annotation=a,
                    url=f"https://evidence.example/{a.pk}/{k}",
                    title=f"Evidence {k} for claim {a.pk}",
                    publisher="Records office",
                    stance=rng.choice(STANCES),
                    excerpt="The records show a different figure.",
                    position=k,
                )
                for a in annotations
                for k in range(rng.choice((1, 2)))
            ]
            bulk_create_with_history(sources, Source, batch_size=1000)
        if not quiet and (number + 1) % 10 == 0:
            elapsed = time.perf_counter() - started
            print(f"  {number + 1}/{documents} documents, {elapsed:.0f}s", file=sys.stderr)
    # Fresh planner statistics, as autovacuum would have them after a bulk load.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return summary(project)


def annotation(document, sentence, user, claim_types, rng):
    from annotations.models import Annotation

    status = rng.choice(STATUSES)
    instance = Annotation(
        project_id=document.project_id,
        document=document,
        sentence=sentence,
        start=sentence.start,
        end=sentence.end,
        quote=sentence.text,
        claim_type=rng.choice(claim_types),
        verification_status=status,
        rationale="Checked against the city's published records." if status != "unverified" else "",
        annotator=user,
        review_state=rng.choice(["pending", "approved", "changes_requested"]),
    )
    instance._history_user = user
    return instance


def summary(project) -> dict:
    from annotations.models import Annotation, Sentence, Source

    return {
        "project": project.slug,
        "documents": project.documents.count(),
        "sentences": Sentence.objects.filter(document__project=project).count(),
        "annotations": Annotation.objects.filter(project=project).count(),
        "sources": Source.objects.filter(annotation__project=project).count(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10)
    parser.add_argument("--sentences", type=int, default=100)
    args = parser.parse_args()
    setup_django()
    import json

    print(json.dumps(build(args.documents, args.sentences)))


if __name__ == "__main__":
    main()
