"""The fast paths of the export write exactly the bytes the plain ones did."""

import json
from datetime import UTC, datetime

from django.db.models import F
from hypothesis import given
from hypothesis import strategies as st

from annotations.exporters.base import dumps
from annotations.models import Annotation
from annotations.selectors import IsoTimestamp, isoformat
from tests.factories import make_annotation

json_values = st.recursive(
    st.none() | st.integers(-(2**63), 2**63 - 1) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@given(json_values)
def test_dumps_writes_what_json_dumps_wrote(value):
    """orjson must keep the public format: compact, non-ASCII as is, the same escapes."""
    assert dumps(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def test_dumps_keeps_control_characters_and_line_separators_as_json_dumps_does():
    text = 'tab\t nul-free \x01\x1f \x7f \u2028\u2029 \ufeff caf\u00e9 \U0001f600 "q" \\'
    assert dumps({"t": text}) == json.dumps({"t": text}, ensure_ascii=False, separators=(",", ":"))


def test_database_formats_timestamps_as_isoformat_does(document, annotator):
    """With and without microseconds, and the review time that may be empty."""
    whole = make_annotation(document, user=annotator, sentence_index=0)
    fraction = make_annotation(document, user=annotator, sentence_index=1)
    Annotation.objects.filter(pk=whole.pk).update(
        updated_at=datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    )
    Annotation.objects.filter(pk=fraction.pk).update(
        updated_at=datetime(2026, 11, 2, 9, 30, 5, 120, tzinfo=UTC),
        reviewed_at=datetime(1999, 1, 1, 0, 0, 0, 999999, tzinfo=UTC),
    )

    rows = Annotation.objects.order_by("pk").values_list(
        "updated_at",
        "reviewed_at",
        IsoTimestamp(F("updated_at")),
        IsoTimestamp(F("reviewed_at")),
    )

    for updated_at, reviewed_at, updated_text, reviewed_text in rows:
        assert (updated_text, reviewed_text) == (isoformat(updated_at), isoformat(reviewed_at))
    assert [row[2] for row in rows] == ["2026-11-02T09:30:00Z", "2026-11-02T09:30:05.000120Z"]
    assert [row[3] for row in rows] == [None, "1999-01-01T00:00:00.999999Z"]
