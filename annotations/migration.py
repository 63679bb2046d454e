"""Write records read from doccano or Label Studio into a project, through the services.

Documents go through ``services.import_document`` (segmented as usual; a text already in
the project is reused, not duplicated), annotations through ``services.create_annotation``
(validated, with history). Labels become claim types by slug. Whatever cannot be imported
as it is — a span across two sentences, text that is not there — is reported and counted,
never clipped or guessed. The caller holds the transaction.
"""

from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils.text import Truncator, slugify

from annotations import messages, services
from annotations.migration_formats import Skip, SourceRecord, SourceSpan
from annotations.models import ClaimType, Document, Membership, Project, Role

# Colours for new claim types, after the defaults' (Tableau 20's lighter half and more).
PALETTE = [
    "#e377c2", "#bcbd22", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5",
    "#c49c94", "#f7b6d2", "#dbdb8d", "#9edae5", "#393b79", "#637939", "#8c6d31",
]  # fmt: skip
# Keys the annotate page does not already use (workspace.js binds j k n p a A R [ ] v r s S W ?).
SHORTCUTS = "1234567890bcdefghilmoqtuwxyz"
TITLE_LENGTH = 80


class MigrationError(Exception):
    """The import cannot go on; the caller rolls everything back."""


@dataclass
class Summary:
    documents_imported: int = 0
    documents_matched: int = 0
    documents_repeated: int = 0
    annotations_imported: int = 0
    records_skipped: Counter = field(default_factory=Counter)
    items_skipped: Counter = field(default_factory=Counter)
    claim_types_created: list[str] = field(default_factory=list)
    members_added: list[str] = field(default_factory=list)
    unknown_annotators: Counter = field(default_factory=Counter)

    def lines(self, fallback: str | None) -> list[str]:
        lines = [
            f"Documents: {self.documents_imported} imported, {self.documents_matched} already "
            f"in the project, {self.documents_repeated} repeated in the file (same text: "
            "not imported again, annotations added to the one document).",
            f"Annotations: {self.annotations_imported} imported.",
            f"Claim types created: {_listing(self.claim_types_created)}.",
        ]
        if self.members_added:
            lines.append(f"Members added as annotators: {_listing(self.members_added)}.")
        lines.append(f"Records skipped: {_by_reason(self.records_skipped)}.")
        lines.append(f"Spans and annotations skipped: {_by_reason(self.items_skipped)}.")
        if self.unknown_annotators:
            names = ", ".join(f"{n} ({c})" for n, c in sorted(self.unknown_annotators.items()))
            lines.append(
                f"Users named in the file but not found, attributed to {fallback}: {names}."
            )
        return lines


def _listing(names: list[str]) -> str:
    return f"{len(names)} ({', '.join(names)})" if names else "0"


def _by_reason(counts: Counter) -> str:
    if not counts:
        return "0"
    reasons = "; ".join(
        f"{messages.MIGRATION_SKIP_REASONS[reason]}: {count}"
        for reason, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    )
    return f"{sum(counts.values())} ({reasons})"


class Migration:
    """One import into ``project``; ``report`` gets one line per thing left out."""

    def __init__(self, *, project: Project, operator, report, source: str, label_map=None):
        self.project = project
        self.operator = operator  # who imports: the annotator when the file names no one
        self.report = report
        self.source = source
        self.summary = Summary()
        self.claim_types = {ct.slug: ct for ct in project.claim_types.all()}
        self.label_map = {}  # label → an existing claim type, chosen by the operator
        for label, slug in (label_map or {}).items():
            if slug not in self.claim_types:
                raise MigrationError(
                    messages.MIGRATION_UNKNOWN_CLAIM_TYPE.format(slug=slug, project=project.slug)
                )
            self.label_map[label] = self.claim_types[slug]
        self.member_ids = set(project.memberships.values_list("user_id", flat=True))
        self.users: dict[str, object] = {}
        self.first_seen: dict[int, str] = {}  # document id → the record that brought it
        self.sentences: dict[int, tuple[list[int], list]] = {}

    # --- records and documents -------------------------------------------------------------

    def add(self, record: SourceRecord) -> None:
        if record.text is None:
            for skip in record.skipped:
                self.skip_record(record, skip)
            return
        for skip in record.skipped:
            self.skip_item(record, skip)
        document = self.document(record)
        if document is None:
            return
        offsets = NormalisedOffsets(record.text)
        for span in record.spans:
            self.add_span(record, document, span, offsets)

    def skip_record(self, record: SourceRecord, skip: Skip) -> None:
        self.summary.records_skipped[skip.reason] += 1
        self.report(f"{record.where}: skipped ({_reason(skip)}): {skip.detail}")

    def skip_item(self, record: SourceRecord, skip: Skip) -> None:
        self.summary.items_skipped[skip.reason] += 1
        self.report(f"{record.where}: skipped {skip.detail} ({_reason(skip)})")

    def document(self, record: SourceRecord) -> Document | None:
        data = services.DocumentInput(title=_title(record), text=record.text)
        try:
            document = services.import_document(
                project=self.project, data=data, created_by=self.operator
            )
        except services.DocumentImportError as error:
            if error.code == "duplicate" and error.document is not None:
                return self.matched(record, error.document)
            self.skip_record(record, Skip("not_imported", str(error)))
            return None
        except ValidationError as error:
            self.skip_record(record, Skip("not_imported", " ".join(error.messages)))
            return None
        self.first_seen[document.pk] = record.where
        self.summary.documents_imported += 1
        return document

    def matched(self, record: SourceRecord, document: Document) -> Document:
        first = self.first_seen.get(document.pk)
        if first is None:
            self.summary.documents_matched += 1
            self.first_seen[document.pk] = record.where
            seen = f"document {document.pk} ({document.title!r}), already in the project"
        else:
            self.summary.documents_repeated += 1
            seen = f"{first} (document {document.pk})"
        self.report(f"{record.where}: same text as {seen}; its annotations are added to it")
        return document

    # --- spans -----------------------------------------------------------------------------

    def add_span(self, record, document, span: SourceSpan, offsets) -> None:
        text = document.text
        start, end = offsets.map(span.start), offsets.map(span.end)
        # Sentences exclude surrounding whitespace; so does the annotation.
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        described = f"{span.where} {Truncator(text[start:end]).chars(60)!r}"
        if start == end:
            self.skip_item(record, Skip("whitespace_only", span.where))
            return
        sentence, touched = self.sentence_for(document, start, end)
        if sentence is None:
            self.skip_item(
                record,
                Skip("crosses_sentences", f"{described}, over sentences {touched}"),
            )
            return
        annotator = self.annotator(span.annotator)
        try:
            services.create_annotation(
                user=annotator,
                sentence=sentence,
                claim_type=self.claim_type(span.label),
                start=start,
                end=end,
            )
        except ValidationError as error:
            reason = "already_present" if error.code == "duplicate" else "invalid_annotation"
            detail = described if reason == "already_present" else f"{described}: {error}"
            self.skip_item(record, Skip(reason, f"{detail} by {annotator.get_username()}"))
            return
        self.summary.annotations_imported += 1

    def sentence_for(self, document: Document, start: int, end: int):
        """The sentence holding [start, end), or None and which sentences the span touches."""
        if document.pk not in self.sentences:
            rows = list(document.sentences.order_by("index"))
            self.sentences[document.pk] = ([s.start for s in rows], rows)
        starts, rows = self.sentences[document.pk]
        position = bisect_right(starts, start) - 1  # the last sentence starting at or before
        if position >= 0 and end <= rows[position].end:
            return rows[position], None
        first = position if position >= 0 and start < rows[position].end else position + 1
        last = bisect_right(starts, end - 1) - 1
        if first > last:
            return None, f"none (between sentences {last} and {first})"
        if first == last:
            return None, f"{rows[first].index} and the text beside it"
        return None, f"{rows[first].index} to {rows[last].index}"

    # --- people and labels ------------------------------------------------------------------

    def annotator(self, name: str | None):
        """The user the file names, if there is one here; else the operator."""
        if name:
            user = self.user_named(name)
            if user is not None:
                return self.member(user)
            self.summary.unknown_annotators[name] += 1
        if self.operator is None:
            raise MigrationError(messages.MIGRATION_NO_ANNOTATOR.format(slug=self.project.slug))
        return self.member(self.operator)

    def user_named(self, name: str):
        if name not in self.users:
            users = get_user_model().objects
            user = users.filter(username=name).first()
            if user is None and "@" in name:
                by_email = list(users.filter(email__iexact=name)[:2])
                user = by_email[0] if len(by_email) == 1 else None
            self.users[name] = user
        return self.users[name]

    def member(self, user):
        """Annotations need membership; someone whose work comes along joins as annotator."""
        if user.pk not in self.member_ids:
            services.add_member(project=self.project, user=user, role=Role.ANNOTATOR)
            self.member_ids.add(user.pk)
            self.summary.members_added.append(user.get_username())
        return user

    def claim_type(self, label: str) -> ClaimType:
        if label in self.label_map:
            return self.label_map[label]
        slug = slugify(label)[:50].strip("-")
        if not slug:  # e.g. a label in a non-Latin script: match by name, else number it
            named = next((ct for ct in self.claim_types.values() if ct.name == label[:100]), None)
            if named is not None:
                return named
            slug = next(
                f"label-{n}" for n in range(1, 10_000) if f"label-{n}" not in self.claim_types
            )
        if slug not in self.claim_types:
            self.claim_types[slug] = self.create_claim_type(slug, label)
        return self.claim_types[slug]

    def create_claim_type(self, slug: str, label: str) -> ClaimType:
        existing = list(self.claim_types.values())
        used_colours = {ct.color.lower() for ct in existing}
        used_keys = {ct.shortcut for ct in existing}
        colour = next((c for c in PALETTE if c not in used_colours), PALETTE[len(existing) % 14])
        position = self.project.claim_types.aggregate(Max("position"))["position__max"]
        claim_type = ClaimType(
            project=self.project,
            slug=slug,
            name=label[:100],
            description=f"Imported from the {self.source} label {label!r}.",
            color=colour,
            shortcut=next((key for key in SHORTCUTS if key not in used_keys), ""),
            position=(position or 0) + 1,
        )
        claim_type.full_clean()
        claim_type.save()
        self.summary.claim_types_created.append(slug)
        return claim_type


def default_operator(project: Project):
    """The project's first owner: who the annotations are by when nobody else is named."""
    membership = (
        Membership.objects.filter(project=project, role=Role.OWNER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _reason(skip: Skip) -> str:
    return messages.MIGRATION_SKIP_REASONS[skip.reason]


def _title(record: SourceRecord) -> str:
    if record.title and record.title.strip():
        return record.title.strip()
    first_line = next((line.strip() for line in record.text.splitlines() if line.strip()), "")
    return Truncator(first_line).chars(TITLE_LENGTH) or record.where


class NormalisedOffsets:
    """Offsets into the text as exported → offsets into the text as stored.

    ``services.normalize_text`` drops a leading byte-order mark and turns ``\\r\\n`` into
    ``\\n``; every offset after a removed character moves back by one.
    """

    def __init__(self, text: str):
        removed = list(range(len(text) - len(text.lstrip("\ufeff"))))
        search = 0
        while (found := text.find("\r\n", search)) != -1:
            removed.append(found)
            search = found + 2
        self.removed = sorted(removed)

    def map(self, offset: int) -> int:
        return offset - bisect_right(self.removed, offset - 1) if self.removed else offset
