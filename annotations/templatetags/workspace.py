"""Template helpers of the annotation workspace."""

from html import escape

import orjson
from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def sentence_spans(sentences):
    """The sentences of one paragraph as elements, their text escaped.

    ``html.escape`` is what Django's ``escape`` calls; used directly it skips the lazy-string
    wrapper that made a 5,000-sentence page spend most of its time escaping. The other
    values are integers from the database. ``tests/test_pages.py`` renders hostile text.
    """
    return mark_safe(  # noqa: S308 - every piece of text is escaped just above
        "".join(
            f'<span class="s" id="s-{s["index"]:d}" data-id="{s["id"]:d}" '
            f'data-start="{s["start"]:d}" data-end="{s["end"]:d}" tabindex="-1">'
            f'<span class="st">{escape(s["text"])}</span></span> '
            for s in sentences
        )
    )


_django_encoder = DjangoJSONEncoder()


@register.filter
def fast_json_script(value, element_id):
    """Django's ``json_script``, with the JSON written by orjson.

    The same element and the same escaping of ``<``, ``>`` and ``&`` (so the text can never
    close the script element); ``str.translate``, which ``json_script`` uses for that,
    took longer than building the page's data for a document of 500 annotations. Non-ASCII
    characters are written as UTF-8 instead of ``\\u`` escapes: the same JSON.
    """
    text = orjson.dumps(value, default=_django_encoder.default).decode()
    text = text.replace("&", "\\u0026").replace("<", "\\u003C").replace(">", "\\u003E")
    return format_html(
        '<script id="{}" type="application/json">{}</script>',
        element_id,
        mark_safe(text),  # noqa: S308
    )
