"""Template filters for links into adjudication."""

from django import template

from annotations.adjudication import MIN_ASSIGNEES
from annotations.models import AssignmentState

register = template.Library()


@register.filter
def ready_to_adjudicate(assignments) -> bool:
    """Whether a document's (prefetched) assignments include two done ones or more."""
    return sum(a.state == AssignmentState.DONE for a in assignments) >= MIN_ASSIGNEES
