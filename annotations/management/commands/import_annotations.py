"""``manage.py import_annotations FILE``: restore a native ``json`` export, or bring in
doccano's or Label Studio's with ``--from doccano|label-studio --project SLUG``.

Creates what is missing — projects (by slug), documents (matched by content hash within
the project, else imported through ``services.import_document`` so the sentences are
segmented by this installation), claim types (by slug), users (by username; created
inactive, without a password) — then the annotations and their sources, keeping their
timestamps, versions and review, and the claims they link to (matched by text within the
project, else created with their verdict). All of it in one transaction, or nothing.

A document whose sentences here do not match the export's offsets stops the import: the
annotations' offsets would point at the wrong text.

Other tools' exports are read by ``annotations.migration_formats`` and written by
``annotations.migration``, also in one transaction per file: records and spans that
cannot be imported are reported and counted, and an error that stops the import (or
``--dry-run``) leaves nothing behind, not even a project made by ``--create-project``.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Case, Max, Value, When
from django.utils.dateparse import parse_date, parse_datetime
from simple_history.utils import bulk_create_with_history

from annotations import messages, migration, migration_formats, services
from annotations.claims.normalize import canonical_text
from annotations.exporters.native_json import FORMAT_VERSION
from annotations.management.commands.import_documents import get_project
from annotations.migration_formats.offsets import UNITS, UTF16
from annotations.models import Annotation, Claim, ClaimType, Document, Project, Source

CHANGE_REASON = "imported"
RELATIONS = [
    "project",
    "document",
    "sentence",
    "claim_type",
    "annotator",
    "reviewed_by",
    "claim",
]


@dataclass
class Summary:
    projects_created: int = 0
    documents_created: int = 0
    documents_matched: int = 0
    claim_types_created: int = 0
    users_created: int = 0
    annotations_created: int = 0
    annotations_present: int = 0
    sources_created: int = 0
    claims_created: int = 0
    claims_matched: int = 0

    def __str__(self):
        return (
            f"Documents: {self.documents_created} imported, {self.documents_matched} matched "
            f"existing. Annotations: {self.annotations_created} imported, "
            f"{self.annotations_present} already present. Sources: {self.sources_created}. "
            f"Claims: {self.claims_created} imported, {self.claims_matched} matched existing. "
            f"Created {self.projects_created} projects, {self.claim_types_created} claim "
            f"types, {self.users_created} users (inactive, no password)."
        )


def _datetime(value, where: str):
    if value in (None, ""):
        return None
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None:
        raise CommandError(f"{where}: {value!r} is not an ISO 8601 date-time.")
    return parsed


class Importer:
    """One import run: caches of what exists, and the counts for the summary."""

    def __init__(self, exported_claims=()):
        self.summary = Summary()
        self.users = {}
        self.projects = {}
        self.claim_types = {}
        # The export's claims by their ids there; (project id, exported id) -> Claim here.
        self.exported_claims = {data["id"]: data for data in exported_claims}
        self.claims = {}

    def user(self, username):
        if not username:
            return None
        if username not in self.users:
            User = get_user_model()
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, is_active=False)
                user.set_unusable_password()
                user.save()
                self.summary.users_created += 1
            self.users[username] = user
        return self.users[username]

    def project(self, data: dict) -> Project:
        slug = data["slug"]
        if slug not in self.projects:
            project = Project.objects.filter(slug=slug).first()
            if project is None:
                project = services.create_project(name=data.get("name") or slug, slug=slug)
                self.summary.projects_created += 1
            self.projects[slug] = project
            self.claim_types[slug] = {ct.slug: ct for ct in project.claim_types.all()}
        return self.projects[slug]

    def claim_type(self, project: Project, data: dict) -> ClaimType:
        known = self.claim_types[project.slug]
        if data["slug"] not in known:
            position = (project.claim_types.aggregate(Max("position"))["position__max"] or 0) + 1
            claim_type = ClaimType(
                project=project, slug=data["slug"], name=data.get("name") or data["slug"]
            )
            claim_type.position = position
            claim_type.full_clean()
            claim_type.save()
            known[data["slug"]] = claim_type
            self.summary.claim_types_created += 1
        return known[data["slug"]]

    def claim(self, project: Project, exported_id, where: str) -> Claim | None:
        """The claim an exported annotation links to: the project's claim of the same text,
        else a new one with the export's verdict, review and timestamps."""
        if exported_id is None:
            return None
        key = (project.pk, exported_id)
        if key in self.claims:
            return self.claims[key]
        data = self.exported_claims.get(exported_id)
        if data is None:
            raise CommandError(f"{where}: claim {exported_id} is not in the export's claims.")
        text = (data["text"] or "").strip()
        claim = Claim.objects.filter(project=project, text=text).first()
        if claim is not None:
            self.summary.claims_matched += 1
        else:
            claim = Claim(
                project=project,
                text=text,
                normalized_text=canonical_text(text),
                verification_status=data["verification_status"],
                rating_explanation=data.get("rating_explanation") or "",
                reviewed_by=self.user(data.get("reviewed_by")),
                reviewed_at=_datetime(data.get("reviewed_at"), where),
                version=data.get("version") or 1,
            )
            claim.full_clean(exclude=["project", "reviewed_by"])
            claim._change_reason = CHANGE_REASON
            claim.save()
            created_at = _datetime(data.get("created_at"), where)
            if created_at:  # ``auto_now`` fields ignore what we set
                updated_at = _datetime(data.get("updated_at"), where) or created_at
                Claim.objects.filter(pk=claim.pk).update(
                    created_at=created_at, updated_at=updated_at
                )
            self.summary.claims_created += 1
        self.claims[key] = claim
        return claim

    def document(self, data: dict) -> Document:
        where = f"Document {data.get('title')!r}"
        project = self.project(data["project"])
        document = Document.objects.filter(
            project=project, content_hash=data["content_hash"]
        ).first()
        if document is not None:
            self.summary.documents_matched += 1
        else:
            if "text" not in data:
                raise CommandError(f"{where} is not in the database and the export has no text.")
            document_input = services.DocumentInput(
                title=data["title"],
                text=data["text"],
                url=data.get("url") or "",
                publisher=data.get("publisher") or "",
                published_at=_datetime(data.get("published_at"), where),
                language=data.get("language") or "en",
            )
            try:
                document = services.import_document(project=project, data=document_input)
            except (services.DocumentImportError, ValueError) as exc:
                raise CommandError(f"{where}: {exc}") from exc
            self.summary.documents_created += 1
        if document.content_hash != data["content_hash"]:
            raise CommandError(f"{where}: the text does not match its content_hash.")
        self.check_sentences(document, data.get("sentences"), where)
        return document

    def check_sentences(self, document: Document, exported, where: str) -> None:
        here = list(document.sentences.order_by("index").values_list("index", "start", "end"))
        if exported is None:
            return
        there = [(s["index"], s["start"], s["end"]) for s in exported]
        if here != there:
            first = next(
                (pair for pair in zip(here, there, strict=False) if pair[0] != pair[1]),
                (len(here), len(there)),
            )
            raise CommandError(
                f"{where}: its sentences here differ from the export's "
                f"(here {len(here)} sentences, export {len(there)}; first difference "
                f"(index, start, end): here {first[0]}, export {first[1]}). "
                "The segmenter changed since the export; the offsets would be wrong."
            )

    def annotations(self, document: Document, items: list[dict]) -> None:
        where = f"Document {document.title!r}"
        project = document.project
        sentences = {s.index: s for s in document.sentences.all()}
        present = set(document.annotations.values_list("start", "end", "annotator__username"))
        new, sources, timestamps = [], [], []
        for item in items:
            if (item["start"], item["end"], item["annotator"]) in present:
                self.summary.annotations_present += 1
                continue
            sentence = sentences.get(item["sentence_index"])
            if sentence is None or not (
                sentence.start <= item["start"] < item["end"] <= sentence.end
            ):
                raise CommandError(
                    f"{where}: annotation {item.get('id')} lies outside sentence "
                    f"{item['sentence_index']}."
                )
            quote = document.text[item["start"] : item["end"]]
            if quote != item["quote"]:
                raise CommandError(
                    f"{where}: annotation {item.get('id')} quotes {item['quote']!r} "
                    f"but the text there is {quote!r}."
                )
            review = item.get("review") or {}
            annotator = self.user(item["annotator"])
            annotation = Annotation(
                project=project,
                document=document,
                sentence=sentence,
                start=item["start"],
                end=item["end"],
                quote=quote,
                claim_type=self.claim_type(project, item["claim_type"]),
                verification_status=item["verification_status"],
                rationale=item.get("rationale") or "",
                annotator=annotator,
                version=item.get("version") or 1,
                review_state=review.get("state") or "pending",
                reviewed_by=self.user(review.get("by")),
                reviewed_at=_datetime(review.get("at"), where),
                review_comment=review.get("comment") or "",
                claim=self.claim(project, item.get("claim"), where),
            )
            # Related rows are known to exist; constraints are checked by the INSERT.
            annotation.full_clean(
                exclude=RELATIONS, validate_unique=False, validate_constraints=False
            )
            annotation._history_user = annotator
            created_at = _datetime(item.get("created_at"), where)
            if created_at:
                annotation._history_date = created_at
            new.append(annotation)
            timestamps.append((created_at, _datetime(item.get("updated_at"), where)))
            sources.append(item.get("sources") or [])
        if not new:
            return
        bulk_create_with_history(new, Annotation, default_change_reason=CHANGE_REASON)
        self.restore_timestamps(new, timestamps)
        self.summary.annotations_created += len(new)
        self.create_sources(new, sources, where)

    def restore_timestamps(self, annotations, timestamps) -> None:
        """``auto_now`` fields ignore what we set; an UPDATE writes the exported times."""
        pairs = [(a.pk, c, u) for a, (c, u) in zip(annotations, timestamps, strict=True) if c]
        for offset in range(0, len(pairs), 500):
            batch = pairs[offset : offset + 500]
            Annotation.objects.filter(pk__in=[pk for pk, _, _ in batch]).update(
                created_at=Case(*(When(pk=pk, then=Value(c)) for pk, c, _ in batch)),
                updated_at=Case(*(When(pk=pk, then=Value(u or c)) for pk, c, u in batch)),
            )

    def create_sources(self, annotations, sources_per_annotation, where: str) -> None:
        rows = []
        for annotation, items in zip(annotations, sources_per_annotation, strict=True):
            for position, item in enumerate(items):
                accessed_at = item.get("accessed_at")
                source = Source(
                    annotation=annotation,
                    url=item["url"],
                    title=item.get("title") or "",
                    publisher=item.get("publisher") or "",
                    stance=item.get("stance") or "context",
                    excerpt=item.get("excerpt") or "",
                    accessed_at=parse_date(accessed_at) if accessed_at else None,
                    position=position,
                )
                source.full_clean(
                    exclude=["annotation"], validate_unique=False, validate_constraints=False
                )
                source._history_user = annotation.annotator
                rows.append(source)
        if rows:
            bulk_create_with_history(rows, Source, default_change_reason=CHANGE_REASON)
            self.summary.sources_created += len(rows)


# The options each kind of import takes (None: restoring a native export takes none).
MIGRATION_OPTIONS = ("project", "create_project", "annotator", "map_label", "dry_run")
OPTIONS_OF = {
    None: (),
    "doccano": (*MIGRATION_OPTIONS, "offsets"),
    "label-studio": (*MIGRATION_OPTIONS, "text_key"),
}


class DryRun(Exception):
    """Raised at the end of a ``--dry-run`` to roll the import back."""


class Command(BaseCommand):
    help = (
        "Restore a native json export (from export_annotations or the HTTP export), or import "
        "a doccano or Label Studio export with --from and --project."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A factcheck/v1 json export, or the --from tool's export.")
        parser.add_argument(
            "--from",
            dest="tool",
            choices=migration_formats.TOOLS,
            help="Read doccano's JSONL export (or its zip) or Label Studio's JSON export.",
        )
        parser.add_argument("--project", metavar="SLUG", help="The project to import into.")
        parser.add_argument(
            "--create-project",
            action="store_true",
            help="Create the project (named after the slug) if it does not exist.",
        )
        parser.add_argument(
            "--annotator",
            metavar="USERNAME",
            help="Who the annotations are by when the file names no known user "
            "(default: the project's first owner).",
        )
        parser.add_argument(
            "--map-label",
            action="append",
            default=[],
            metavar="LABEL=SLUG",
            help="Give spans labelled LABEL the project's claim type SLUG (repeatable).",
        )
        parser.add_argument(
            "--text-key",
            metavar="KEY",
            help="Label Studio: the key of the text in each task's data (default: text).",
        )
        parser.add_argument(
            "--offsets",
            choices=UNITS,
            help="doccano: what its offsets count (default utf-16, as doccano's browser does; "
            "graphemes for projects that count grapheme clusters as one character).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be imported; save nothing."
        )

    def handle(self, *args, **options):
        tool = options["tool"]
        for option in OPTIONS_OF["label-studio"] + ("offsets",):
            if options[option] and option not in OPTIONS_OF[tool]:
                raise CommandError(
                    messages.MIGRATION_OPTION_NOT_FOR.format(
                        option="--" + option.replace("_", "-"), tool=tool or "a json export"
                    )
                )
        if tool:
            return self.migrate(options)
        self.restore(options["file"])

    def restore(self, path):
        try:
            with open(path, encoding="utf-8") as handle:
                export = json.load(handle)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        if not isinstance(export, dict) or export.get("format") != FORMAT_VERSION:
            raise CommandError(f"Not a {FORMAT_VERSION} export (see the README, Export formats).")
        try:
            importer = Importer(export.get("claims") or ())
            with transaction.atomic():
                for data in export.get("documents", []):
                    document = importer.document(data)
                    importer.annotations(document, data.get("annotations", []))
        except (KeyError, TypeError) as exc:
            raise CommandError(f"Malformed export: missing or wrong field {exc}.") from exc
        except ValidationError as exc:
            raise CommandError(f"Invalid data in the export: {'; '.join(exc.messages)}") from exc
        self.stdout.write(str(importer.summary))

    def migrate(self, options):
        """Read the whole file first, so a file that cannot be read changes nothing."""
        tool, path = options["tool"], Path(options["file"])
        if not options["project"]:
            raise CommandError(messages.MIGRATION_NEEDS_PROJECT.format(tool=tool))
        if tool == "doccano":
            reader_options = {"offsets": options["offsets"] or UTF16}
        else:
            reader_options = {"text_key": options["text_key"] or "text"}
        try:
            records = migration_formats.read(tool, path.name, path.read_bytes(), **reader_options)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from exc
        except migration_formats.FormatError as exc:
            raise CommandError(f"Cannot import {path}: {exc}") from exc
        operator = self.operator(options["annotator"])
        label_map = self.label_map(options["map_label"])
        try:
            with transaction.atomic():
                project = get_project(
                    options["project"], create=options["create_project"], owner=operator
                )
                run = migration.Migration(
                    project=project,
                    operator=operator or migration.default_operator(project),
                    report=self.stdout.write,
                    source=tool,
                    label_map=label_map,
                )
                for record in records:
                    run.add(record)
                if options["dry_run"]:
                    raise DryRun
        except DryRun:
            pass
        except migration.MigrationError as exc:
            raise CommandError(f"{exc} Nothing was imported.") from exc
        fallback = run.operator.get_username() if run.operator else None
        for line in run.summary.lines(fallback):
            self.stdout.write(line)
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was saved.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported {path.name} into {project.slug!r}."))

    def label_map(self, pairs: list[str]) -> dict[str, str]:
        mapping = {}
        for pair in pairs:
            label, _, slug = pair.partition("=")
            if not label.strip() or not slug.strip():
                raise CommandError(messages.MIGRATION_BAD_LABEL_MAP.format(value=pair))
            mapping[label.strip()] = slug.strip()
        return mapping

    def operator(self, username):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(messages.MIGRATION_UNKNOWN_USER.format(username=username))
        return user
