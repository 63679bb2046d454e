"""``strict_json.loads`` reads with orjson first and answers exactly what the strict parser
(``strict_json._strict``, Python's ``json`` with hooks) answers: the same value, or the same
exception with the same message.

The texts are what orjson and Python's ``json`` disagree on: repeated keys (also with
whitespace before the colon, and ``":`` inside strings), integers around the 64-bit
bounds and far beyond, floats that overflow, ``NaN`` and ``Infinity``, lone surrogates as
escapes and as characters, nesting around ``MAX_DEPTH``, a byte-order mark, and broken
texts, written with every kind of JSON whitespace between the tokens.
"""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations import strict_json

WHITESPACE = st.sampled_from(["", "", " ", "\n", "\t", "\r\n", " \t "])
KEYS = st.one_of(st.sampled_from(["a", "b", "sentence", "", '"', ":", '":', '" :']), st.text())
NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.integers(min_value=2**63 - 2, max_value=2**64 + 2),
    st.integers(min_value=-(2**63) - 2, max_value=-(2**63) + 2),
    st.floats(),  # with NaN and infinities, which json.dumps writes as NaN and Infinity
    st.sampled_from(["1e999", "-1e999", "1E400", "1.5e308", "-0", "-0.0", "1e-400", "10" * 12]),
)
STRINGS = st.one_of(
    st.text(),
    st.text(st.characters(codec=None, categories=None)),  # surrogates too
    st.sampled_from(["\ud800", "x\udfff", "\ud83d\ude00", "\x00", 'say ":"', 'a" : b']),
)


def number(value) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def string(value: str, ascii_only: bool) -> str:
    return json.dumps(value, ensure_ascii=ascii_only)


@st.composite
def documents(draw, depth=0):
    """JSON-ish text: objects as lists of pairs, so a key may come twice."""
    space = draw(WHITESPACE)
    ascii_only = draw(st.booleans())
    kind = draw(st.sampled_from(["scalar", "number", "string"] + ["array", "object"] * (depth < 4)))
    if kind == "scalar":
        return space + draw(st.sampled_from(["null", "true", "false", "NaN", "-Infinity"]))
    if kind == "number":
        return space + number(draw(NUMBERS))
    if kind == "string":
        return space + string(draw(STRINGS), ascii_only)
    if kind == "array":
        items = draw(st.lists(documents(depth + 1), max_size=4))
        return f"{space}[{','.join(items)}{draw(WHITESPACE)}]"
    pairs = draw(st.lists(st.tuples(KEYS, documents(depth + 1)), max_size=4))
    members = (
        f"{draw(WHITESPACE)}{string(key, ascii_only)}{draw(WHITESPACE)}:{value}"
        for key, value in pairs
    )
    return f"{space}{{{','.join(members)}{draw(WHITESPACE)}}}"


@st.composite
def nested(draw):
    """A document wrapped around ``MAX_DEPTH`` levels deep, in arrays or objects."""
    levels = draw(st.integers(min_value=strict_json.MAX_DEPTH - 3, max_value=40))
    inner = draw(documents(depth=3))
    opens = draw(st.lists(st.sampled_from(["[", '{"k": ']), min_size=levels, max_size=levels))
    closes = ["]" if o == "[" else "}" for o in reversed(opens)]
    return "".join(opens) + inner + "".join(closes)


INSERTS = st.sampled_from([*',:"[]{}\\0e-\ufeff', "\\u"])


@st.composite
def mutated(draw):
    """A document with a piece cut out, doubled or put in, or a byte-order mark before it."""
    text = draw(documents())
    where = draw(st.integers(min_value=0, max_value=len(text)))
    until = draw(st.integers(min_value=where, max_value=len(text)))
    how = draw(st.sampled_from(["cut", "double", "insert", "bom"]))
    if how == "cut":
        return text[:where] + text[until:]
    if how == "double":
        return text[:until] + text[where:]
    if how == "insert":
        return text[:where] + draw(INSERTS) + text[where:]
    return "\ufeff" + text


def outcome(read, text: str):
    try:
        value = read(text)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and InvalidJSON among them
        return type(exc), str(exc)
    return "value", repr(value)  # repr tells 1 from 1.0 and True, -0.0 from 0.0, and key order


def assert_same_outcome(text: str) -> None:
    assert outcome(strict_json.loads, text) == outcome(strict_json._strict, text)


@settings(max_examples=3000, deadline=None)
@given(st.one_of(documents(), nested(), mutated()))
def test_loads_answers_what_the_strict_parser_answers(text):
    assert_same_outcome(text)


@settings(max_examples=500, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | NUMBERS.filter(lambda n: not isinstance(n, str)) | STRINGS,
        lambda children: st.lists(children) | st.dictionaries(st.text(), children),
        max_leaves=20,
    ),
    st.sampled_from([(",", ":"), (", ", ": "), (" , ", " : "), (",\n", ":\t")]),
    st.sampled_from([None, 2]),
    st.booleans(),
)
def test_loads_reads_what_json_dumps_writes_as_the_strict_parser_does(
    value, separators, indent, ascii_only
):
    assert_same_outcome(
        json.dumps(value, separators=separators, indent=indent, ensure_ascii=ascii_only)
    )


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1, "a": 2}',
        '{"a": 1, "a" : 2}',
        '{"a": "x\\":", "a" : 2}',
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775809",
        "[9223372036854775807, -9223372036854775808]",
        "1e999",
        "NaN",
        "-Infinity",
        '"\\ud800"',
        '["\ud800"]',
        "\ufeff{}",
        "[" * strict_json.MAX_DEPTH + "]" * strict_json.MAX_DEPTH,
        "[" * (strict_json.MAX_DEPTH + 1) + "]" * (strict_json.MAX_DEPTH + 1),
        "[" * 1025 + "]" * 1025,
        "1" + "0" * 5000,
    ],
)
def test_what_orjson_takes_and_the_strict_parser_refuses_is_refused_as_before(text):
    assert_same_outcome(text)


def test_a_bulk_body_is_read_by_orjson_alone(monkeypatch):
    """The point of the fast path: a well-formed API body never reaches the slow parser."""
    body = json.dumps(
        {"annotations": [{"sentence": n, "claim_type": 7, "rationale": "Ünï ✓"} for n in range(9)]}
    )

    def refuse(text):
        raise AssertionError("the strict parser ran")

    monkeypatch.setattr(strict_json, "_strict", refuse)

    assert strict_json.loads(body) == json.loads(body)
