from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """``?page=N&page_size=M``; the default size is ``REST_FRAMEWORK["PAGE_SIZE"]``."""

    page_size_query_param = "page_size"
    max_page_size = 1000
