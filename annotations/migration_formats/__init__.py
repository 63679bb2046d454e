"""Readers for other annotation tools' exports: pure parsers that yield plain records.

Each reader turns one exported file into ``SourceRecord``s — a text, its spans in Python
code points, and what had to be left out and why — without touching the database.
``annotations.migration`` writes the records into a project through the services.
"""

from dataclasses import dataclass, field

from annotations import messages


class FormatError(ValueError):
    """The file as a whole cannot be read; nothing of it is imported."""


@dataclass(frozen=True)
class SourceSpan:
    """A labelled span; ``start``/``end`` are code-point offsets into the record's text."""

    start: int
    end: int
    label: str
    annotator: str | None = None  # a username or an e-mail address, as the tool names it
    where: str = ""  # the span as the export writes it, for reports


@dataclass(frozen=True)
class Skip:
    """Something in the record that is not imported: a reason code and the detail."""

    reason: str
    detail: str

    def __post_init__(self):
        if self.reason not in messages.MIGRATION_SKIP_REASONS:
            raise ValueError(f"unknown skip reason {self.reason!r}")


@dataclass
class SourceRecord:
    """One document of the export. ``text`` is None when the record has none usable."""

    where: str
    text: str | None
    title: str | None = None
    spans: list[SourceSpan] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)


def read(tool: str, name: str, data: bytes, **options) -> list[SourceRecord]:
    """The records of an export of ``tool`` (``doccano`` or ``label-studio``)."""
    from annotations.migration_formats import doccano, label_studio

    readers = {"doccano": doccano.read, "label-studio": label_studio.read}
    return readers[tool](name, data, **options)


TOOLS = ("doccano", "label-studio")
