"""Template helpers of the annotation workspace."""

from django import template
from django.utils.html import format_html_join

register = template.Library()

SENTENCE = (
    '<span class="s" id="s-{}" data-id="{}" data-start="{}" data-end="{}" tabindex="-1">'
    '<span class="st">{}</span></span> '
)


@register.simple_tag
def sentence_spans(sentences):
    """The sentences of one paragraph, every value escaped by ``format_html``.

    One call per paragraph instead of a template loop: a 5,000-sentence document renders
    in a fraction of the time, with the same escaping.
    """
    return format_html_join(
        "",
        SENTENCE,
        ((s["index"], s["id"], s["start"], s["end"], s["text"]) for s in sentences),
    )
