from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

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
