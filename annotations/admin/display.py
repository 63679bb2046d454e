"""How statuses and texts look in the admin: a symbol and a word, never colour alone.

Everything here escapes what it is given; document text and quotes are untrusted.
"""

from django.utils.html import format_html

from annotations.models import ReviewState, VerificationStatus

VERIFICATION_SYMBOLS = {
    VerificationStatus.UNVERIFIED: "○",
    VerificationStatus.IN_PROGRESS: "◔",
    VerificationStatus.TRUE: "✔",
    VerificationStatus.MOSTLY_TRUE: "✔",
    VerificationStatus.MIXED: "◑",
    VerificationStatus.MOSTLY_FALSE: "✘",
    VerificationStatus.FALSE: "✘",
    VerificationStatus.MISLEADING: "⚠",
    VerificationStatus.UNVERIFIABLE: "?",
}

REVIEW_SYMBOLS = {
    ReviewState.PENDING: "…",
    ReviewState.APPROVED: "✔",
    ReviewState.CHANGES_REQUESTED: "↩",
}


def _badge(kind: str, value: str, symbol: str, label: str):
    """A symbol plus a word, so the state never rests on colour alone."""
    return format_html(
        '<span class="fc-badge fc-{}-{}"><span aria-hidden="true">{}</span> {}</span>',
        kind,
        value,
        symbol,
        label,
    )


def verification_badge(status: str):
    return _badge(
        "status", status, VERIFICATION_SYMBOLS.get(status, ""), VerificationStatus(status).label
    )


def review_badge(state: str):
    return _badge("review", state, REVIEW_SYMBOLS.get(state, ""), ReviewState(state).label)


def claim_type_chip(claim_type):
    return format_html(
        '<span class="fc-chip"><span class="fc-swatch" style="background:{}"></span>{}</span>',
        claim_type.color,
        claim_type.name,
    )


def user_name(user) -> str:
    """A user as plain text: staff reviewers may not open the user admin a link would lead to."""
    return "—" if user is None else str(user)


def shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def marked_span(text: str, start: int, end: int, *, limit: int | None = None):
    """``text`` with ``text[start:end]`` in <mark>, escaped; optionally shortened around it.

    ``limit`` keeps about that many characters of context on each side of the span.
    """
    before, span, after = text[:start], text[start:end], text[end:]
    if limit is not None:
        if len(before) > limit:
            tail = before[-limit:]
            before = "…" + (tail.split(" ", 1)[1] if " " in tail else tail)
        if len(after) > limit:
            head = after[:limit]
            after = (head.rsplit(" ", 1)[0] if " " in head.strip() else head) + "…"
        if len(span) > 3 * limit:
            span = span[: 3 * limit].rstrip() + "…"
    return format_html("{}<mark>{}</mark>{}", before, span, after)


def progress_bar(done: int, total: int, label: str):
    """``3/8 approved`` with a small bar; the text carries the meaning, the bar helps."""
    return format_html(
        '<span class="fc-progress"><progress value="{}" max="{}"></progress> {}/{} {}</span>',
        done,
        max(total, 1),
        done,
        total,
        label,
    )
