"""Pages of long lists, with a page size the reader chooses among `PAGE_SIZES`.

Offset pagination (Django's Paginator) rather than keyset: every list here is sorted on
columns the reader picks, shows its total and lets one jump to page N; at the portal's scale
(tens of thousands of rows) the OFFSET and the COUNT stay cheap on an index, and the ranking is
computed in Python over the whole wave anyway."""

from django.core.paginator import Page, Paginator

PAGE_SIZES = (25, 50, 100)
PAGE_SIZE_PARAM = "per_page"


def page_size(request, default: int = PAGE_SIZES[0]) -> int:
    """The size asked in the query string if it is one of `PAGE_SIZES`, else `default`."""
    raw = request.GET.get(PAGE_SIZE_PARAM, "")
    return int(raw) if raw.isdigit() and int(raw) in PAGE_SIZES else default


def paginate(request, object_list, *, default: int = PAGE_SIZES[0]) -> Page:
    """The page of `object_list` the request asks for (an out-of-range number gives the last
    page), with what the pager include needs: the elided page range and one link per size."""
    size = page_size(request, default)
    paginator = Paginator(object_list, size)
    page = paginator.get_page(request.GET.get("page"))
    page.pages_list = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    page.size = size
    links = []
    for choice in PAGE_SIZES:
        params = request.GET.copy()
        params.pop("page", None)
        params[PAGE_SIZE_PARAM] = str(choice)
        links.append({"size": choice, "url": f"?{params.urlencode()}", "current": choice == size})
    page.size_links = links
    return page


def row_url_prefix(viewname: str) -> str:
    """The URL of `viewname` for object 0 without its trailing "0/": rows append "<pk>/" to it,
    so that a list does not call `reverse` once per row. The route must end in "<int:pk>/"."""
    from django.urls import reverse

    url = reverse(viewname, args=[0])
    if not url.endswith("/0/"):
        raise ValueError(f"{viewname} does not end with <int:pk>/")
    return url[:-2]


def query_without_paging(request) -> str:
    """The query string of a list minus its page and page size (for export links)."""
    params = request.GET.copy()
    params.pop("page", None)
    params.pop(PAGE_SIZE_PARAM, None)
    return params.urlencode()
