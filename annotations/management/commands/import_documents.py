"""``manage.py import_documents PATH... --project SLUG``: import files into a project.

Every record is its own document, imported atomically by ``services.import_document``: in a
.jsonl file with a bad line the good lines are imported and the bad one is reported.
Duplicates are reported and skipped but are not failures; any failure makes the command exit
non-zero after all files were tried.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from annotations import importers, services
from annotations.models import Project


def collect_files(paths: list[str]) -> tuple[list[Path], list[str]]:
    """Supported files named or found (recursively, sorted) under the given paths."""
    files, missing = [], []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and importers.is_supported(p.name))
            )
        elif path.is_file():
            files.append(path)  # named explicitly: an unsupported type is reported, not skipped
        else:
            missing.append(raw)
    return files, missing


def describe_error(error: Exception) -> str:
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return "; ".join(
                f"{field}: {' '.join(problems)}" for field, problems in error.message_dict.items()
            )
        return " ".join(error.messages)
    return str(error)


def get_project(slug: str, *, create: bool, owner=None) -> Project:
    """The project to import into; with ``create``, made (with ``owner``) if it is missing."""
    found = Project.objects.filter(slug=slug).first()
    if found is not None:
        return found
    if not create:
        raise CommandError(f"No project with slug {slug!r}; pass --create-project to create it.")
    try:
        return services.create_project(name=slug.replace("-", " ").title(), slug=slug, owner=owner)
    except ValidationError as error:
        raise CommandError(f"Cannot create project {slug!r}: {describe_error(error)}") from None


class Command(BaseCommand):
    help = (
        "Import documents from .txt, .md, .html, .json and .jsonl files (and directories of "
        "them) into a project. Exits non-zero if any file or record failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Files or directories.")
        parser.add_argument("--project", required=True, metavar="SLUG", help="Target project.")
        parser.add_argument(
            "--create-project",
            action="store_true",
            help="Create the project (named after the slug) if it does not exist.",
        )
        parser.add_argument(
            "--no-progress",
            action="store_true",
            help="Do not draw a progress bar on a terminal.",
        )

    def handle(self, *args, paths, project, create_project, no_progress, **options):
        target = self.get_project(project, create=create_project)
        files, missing = collect_files(paths)
        if missing:
            raise CommandError(f"No such file or directory: {', '.join(missing)}")
        if not files:
            raise CommandError(
                "No files to import; supported types: " + ", ".join(importers.SUPPORTED_SUFFIXES)
            )

        self.progress = not no_progress and len(files) > 1 and self.stderr.isatty()
        totals = {"imported": 0, "duplicates": 0, "failed": 0, "sentences": 0}
        for number, path in enumerate(files, 1):
            self.import_file(target, path, f"[{number}/{len(files)}] {path}", totals)
            self.draw_progress(number, len(files))
        if self.progress:
            self.stderr.write("", style_func=str)

        summary = (
            f"{totals['imported']} document(s) imported with {totals['sentences']} sentence(s), "
            f"{totals['duplicates']} duplicate(s) skipped, {totals['failed']} failed, "
            f"from {len(files)} file(s) into project {target.slug!r}."
        )
        if totals["failed"]:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))

    def get_project(self, slug: str, *, create: bool) -> Project:
        return get_project(slug, create=create)

    def import_file(self, project: Project, path: Path, label: str, totals: dict) -> None:
        try:
            services.check_size(path.stat().st_size)  # before reading a huge file
            records = importers.read_records(path.name, path.read_bytes())
        except (OSError, services.DocumentImportError) as error:
            totals["failed"] += 1
            self.report(label, f"failed: {describe_error(error)}", self.style.ERROR)
            return
        for record in records:
            where = label if len(records) == 1 else f"{label} {record.where.lower()}"
            self.import_record(project, record, where, totals)

    def import_record(self, project, record: importers.Record, where: str, totals: dict) -> None:
        if record.error is not None:
            totals["failed"] += 1
            self.report(where, f"failed: {record.error}", self.style.ERROR)
            return
        try:
            document = services.import_document(project=project, data=record.document)
        except services.DocumentImportError as error:
            if error.code == "duplicate":
                totals["duplicates"] += 1
                existing = error.document.pk if error.document is not None else "?"
                self.report(where, f"skipped: duplicate of document {existing}", self.style.WARNING)
            else:
                totals["failed"] += 1
                self.report(where, f"failed: {error}", self.style.ERROR)
            return
        except ValidationError as error:
            totals["failed"] += 1
            self.report(where, f"failed: {describe_error(error)}", self.style.ERROR)
            return
        count = document.sentences.count()
        totals["imported"] += 1
        totals["sentences"] += count
        self.report(
            where,
            f"imported document {document.pk} ({document.title!r}) with {count} sentence(s)",
            self.style.SUCCESS,
        )

    def report(self, where: str, outcome: str, style) -> None:
        if self.progress:
            self.stderr.write("\r\033[K", style_func=str, ending="")
        self.stdout.write(f"{where}: {style(outcome)}")

    def draw_progress(self, done: int, total: int) -> None:
        """A bar on stderr, only when it is a terminal, so logs and pipes stay clean."""
        if not self.progress:
            return
        width = 30
        filled = width * done // total
        bar = "#" * filled + "-" * (width - filled)
        self.stderr.write(f"\r[{bar}] {done}/{total}", style_func=str, ending="")
        self.stderr.flush()
