"""Template helpers of the annotation workspace."""

from html import escape

import orjson
from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def document_paragraphs(paragraphs):
    """The document's paragraphs, each a ``<p>`` of its sentences as elements, text escaped.

    One tag for the whole text: a template loop over 100 paragraphs took longer than the
    rest of the page. ``html.escape`` is what Django's ``escape`` calls; used directly it
    skips the lazy-string wrapper that made a 5,000-sentence page spend most of its time
    escaping. The other values are integers from the database. ``tests/test_pages.py``
    renders hostile text.
    """
    if not paragraphs:
        return mark_safe('<p class="empty">This document has no sentences.</p>\n')
    sentences = [s for paragraph in paragraphs for s in paragraph.sentences]
    texts = iter(_escaped([s["text"] for s in sentences]))
    return mark_safe(  # noqa: S308 - every piece of text is escaped (``_escaped``)
        "".join(
            '<p class="para">'
            + "".join(
                f'<span class="s" id="s-{s["index"]:d}" data-id="{s["id"]:d}" '
                f'data-start="{s["start"]:d}" data-end="{s["end"]:d}" tabindex="-1">'
                f'<span class="st">{next(texts)}</span></span> '
                for s in paragraph.sentences
            )
            + "</p>\n"
            for paragraph in paragraphs
        )
    )


def _escaped(texts: list[str]) -> list[str]:
    """Each text HTML-escaped, in one ``escape`` of them all joined by NUL (which escaping
    leaves as it is): 500 calls cost more than escaping the whole text once."""
    escaped = escape("\0".join(texts)).split("\0")
    return escaped if len(escaped) == len(texts) else [escape(text) for text in texts]


_django_encoder = DjangoJSONEncoder()


@register.filter
def fast_json_script(value, element_id):
    """Django's ``json_script``, with the JSON written by orjson.

    The same element and the same escaping of ``<``, ``>`` and ``&`` (so the text can never
    close the script element); ``str.translate``, which ``json_script`` uses for that,
    took longer than building the page's data for a document of 500 annotations. Non-ASCII
    characters are written as UTF-8 instead of ``\\u`` escapes: the same JSON. The bytes
    are escaped before they are decoded: on a text with any non-ASCII character,
    ``str.replace`` took three times as long.
    """
    data = orjson.dumps(value, default=_django_encoder.default)
    data = data.replace(b"&", b"\\u0026").replace(b"<", b"\\u003C").replace(b">", b"\\u003E")
    text = data.decode()
    return format_html(
        '<script id="{}" type="application/json">{}</script>',
        element_id,
        mark_safe(text),  # noqa: S308
    )
