"""The pagination of every API list: ``?page=N`` and ``?page_size=N`` (default ``PAGE_SIZE`` of the REST
framework settings, at most 1000 rows a page)."""

from __future__ import annotations

from rest_framework.pagination import PageNumberPagination

MAX_PAGE_SIZE = 1000


class PageSizePagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
