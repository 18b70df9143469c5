"""Paging and server-side sorting for pages that list the whole portfolio (issue 14 item 2).

A portfolio-wide page shows one page of rows (``?pagina=``) in one server-side order
(``?sorteer=key`` ascending, ``?sorteer=-key`` descending); filters stay in the query string, so
they are kept across pages and sort changes. The headers carry ``aria-sort`` and the page links
work without JavaScript (HTMX only swaps the region when it is there).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator

PAGE = "pagina"
SORT = "sorteer"


@dataclass(frozen=True)
class SortHeader:
    label: str
    key: str
    href: str
    #: "ascending", "descending" or "" (aria-sort is left off a column the page is not sorted by)
    aria_sort: str


@dataclass(frozen=True)
class Sorting:
    key: str
    descending: bool
    headers: dict[str, SortHeader]

    @property
    def param(self) -> str:
        return f"-{self.key}" if self.descending else self.key


def sorting(request, columns: dict[str, str], default: str) -> Sorting:
    """The sort the request asks for among ``columns`` (key → label), else ``default``.

    ``default`` may start with ``-`` for a descending default. Each header links to its column's
    sort (ascending first, descending when it is already sorted ascending), keeping the filters
    and going back to the first page.
    """
    wanted = request.GET.get(SORT, "") or default
    key = wanted.lstrip("-")
    if key not in columns:
        wanted, key = default, default.lstrip("-")
    descending = wanted.startswith("-")
    base = request.GET.copy()
    base.pop(PAGE, None)
    headers = {}
    for column, label in columns.items():
        query = base.copy()
        query[SORT] = f"-{column}" if column == key and not descending else column
        state = ("descending" if descending else "ascending") if column == key else ""
        headers[column] = SortHeader(label, column, "?" + query.urlencode(), state)
    return Sorting(key, descending, headers)


def page_of(request, items, size: int) -> Page:
    """The requested page (a wrong or too high number gives the nearest page)."""
    return Paginator(items, size).get_page(request.GET.get(PAGE))


def query_without_page(request) -> str:
    """The query string of the request without its page number, for the page links."""
    query = request.GET.copy()
    query.pop(PAGE, None)
    return query.urlencode()
