from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from annotations import messages


class Pagination(PageNumberPagination):
    """``?page=N&page_size=M``; the default size is ``REST_FRAMEWORK["PAGE_SIZE"]``.

    A page size outside 1..``max_page_size`` answers 400 (DRF would silently use the
    default or the maximum instead, so a client asking for 5,000 rows would not learn it
    got 1,000). The schema states the same bounds.
    """

    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= self.max_page_size:
            message = messages.BAD_PAGE_SIZE.format(max=self.max_page_size)
            raise ValidationError({self.page_size_query_param: [message]})
        return int(raw)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.page_query_param: {"minimum": 1},
            self.page_size_query_param: {"minimum": 1, "maximum": self.max_page_size},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters


# Beyond this many matching rows, a list's ``count`` is null rather than paid for.
COUNT_LIMIT = 10_000


class BoundedCountPagination(Pagination):
    """Page numbers as ``Pagination``, without counting every matching row on every page.

    One more row than the page holds is read, so ``next`` is known without a count. When
    the last page is reached, ``count`` is exact for free; otherwise it is counted, but
    only up to ``COUNT_LIMIT`` rows (``SELECT COUNT(*)`` over a ``LIMIT``): past that it is
    ``null``. A project-wide list of 100,000 annotations thus costs the page, not a scan.
    """

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        size = self.get_page_size(request)
        raw = request.query_params.get(self.page_query_param) or 1
        try:
            number = int(raw)
            if number < 1:
                raise ValueError
        except (TypeError, ValueError):
            raise NotFound(
                self.invalid_page_message.format(
                    page_number=raw, message="That page number is not an integer"
                )
            ) from None
        offset = (number - 1) * size
        rows = list(queryset[offset : offset + size + 1])
        self.has_next = len(rows) > size
        rows = rows[:size]
        if not rows and number > 1:
            raise NotFound(
                self.invalid_page_message.format(
                    page_number=raw, message="That page contains no results"
                )
            )
        if self.has_next:
            bounded = queryset.order_by().values("pk")[: COUNT_LIMIT + 1].count()
            self.count = bounded if bounded <= COUNT_LIMIT else None
        else:
            self.count = offset + len(rows)
        self.number = number
        return rows

    def get_next_link(self):
        if not self.has_next:
            return None
        return replace_query_param(
            self.request.build_absolute_uri(), self.page_query_param, self.number + 1
        )

    def get_previous_link(self):
        if self.number == 1:
            return None
        url = self.request.build_absolute_uri()
        if self.number == 2:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, self.number - 1)

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"].update(
            nullable=True,
            description=f"Matching rows; null when more than {COUNT_LIMIT:,} match.",
        )
        return response
