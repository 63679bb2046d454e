"""Template helpers of the annotation workspace."""

from html import escape

from django import template
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
