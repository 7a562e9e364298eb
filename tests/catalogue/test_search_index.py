"""The in-memory search index answers exactly what the SQL conditions of the search select (demo data).

`selectors.search` evaluates the query and the filters on `search_index` (masks over the entries in the
database's name order); `selectors._filtered` / `query_q` / `_coverage` are the same conditions as SQL. Here both
are run for a table of queries and the selected services, the total and the order of the first pages must be
the same; the index must also follow a refresh of the catalogue.
"""

from datetime import date, timedelta

import numpy as np
import pytest
from django.db.models import Case, IntegerField, Q, Value, When
from hypothesis import given, settings
from hypothesis import strategies as st

from socplan.catalogue import cache, query, search_index, selectors
from socplan.catalogue.models import CatalogueEntry
from socplan.catalogue.services import catalogue_refresh
from socplan.registry.models import Service

pytestmark = pytest.mark.django_db

BRNO = "582786"
BLANSKO = "581283"

QUERIES = [
    {"q": "pečovatelská služba"}, {"q": "pecovatelska sluzba"}, {"q": "bezdomovci"}, {"q": "bez domova"},
    {"q": "noclehárna"}, {"q": "domov pro seniory"}, {"q": "domov duchodcu"}, {"q": "alzheimer"},
    {"q": "osobni asistence"}, {"q": "home care"}, {"q": "nursing home"}, {"q": "senior"}, {"q": "s"},
    {"q": "brno"}, {"q": "znojmo dum"}, {"q": "xyzneexistuje"}, {"q": "terénní"}, {"q": "pobytové služby"},
    {"situace": "ztrata-bydleni"}, {"situace": "pecuji-o-blizkeho", "q": "domov"}, {"forma": "ter"},
    {"druh": "49"}, {"druh": "63", "page": "2"}, {"q": "poradna", "forma": "amb"}, {"q": "sluzba", "page": "3"},
    {"skupina": "1"}, {"orp": "6201"}, {"q": "péče", "orp": "6201", "forma": "ter"},
]
PLACES = [
    {"obec": BRNO}, {"obec": BLANSKO}, {"obec": BLANSKO, "radius_km": "10"}, {"obec": BRNO, "radius_km": "5"},
    {"obec": BLANSKO, "q": "pečovatelská"}, {"obec": BRNO, "situace": "ztrata-bydleni", "radius_km": "20"},
    {"obec": BLANSKO, "forma": "ter", "radius_km": "50", "page": "2"},
]


def _params(data, page_size=20):
    params, errors = selectors.parse_params(data, page_size=page_size)
    assert not errors, errors
    return params


def _sql_page(p):
    """The search without a place written as the SQL query it replaced: the filters, then ORDER BY the kinds
    the query means, the services whose name holds every word, name, service_id."""
    qs = selectors._filtered(p)
    parsed = query.parse_query(p.q)
    korder = selectors.kind_order(parsed, p.situation)
    order_by = ["name", "service_id"]
    if parsed.groups:
        name_q = Q()
        for g in parsed.groups:
            alt = Q()
            for t in g:
                alt |= Q(name_text__contains=f" {t}")
            name_q &= alt
        qs = qs.annotate(_rank=Case(When(name_q, then=Value(0)), default=Value(1), output_field=IntegerField()))
        order_by.insert(0, "_rank")
    if korder:
        qs = qs.annotate(_krank=Case(*[When(kind_code=k, then=Value(i)) for k, i in korder.items()],
                                     default=Value(len(korder)), output_field=IntegerField()))
        order_by.insert(0, "_krank")
    ids = list(qs.order_by(*order_by).values_list("service_id", flat=True))
    start = (p.page - 1) * p.page_size
    return len(ids), ids[start:start + p.page_size]


@pytest.mark.parametrize("data", QUERIES, ids=[str(q) for q in QUERIES])
def test_index_selects_and_orders_as_the_sql_query(data):
    p = _params(data)
    total, page = _sql_page(p)
    result = selectors.search(p)
    assert result.total == total
    assert [h.entry.service_id for h in result.hits] == page


@pytest.mark.parametrize("data", PLACES, ids=[str(q) for q in PLACES])
def test_place_searches_select_what_the_sql_conditions_select(data):
    p = _params(data, page_size=100)
    m = selectors.municipality(p.obec)
    base = set(selectors._filtered(p).values_list("service_id", flat=True))
    covering = set(selectors._filtered(p).filter(selectors._coverage(m)).values_list("service_id", flat=True))
    result = selectors.search(p)
    everything = []
    for page in range(1, result.pages + 1):
        everything += [h.entry.service_id for h in selectors.search(_params({**data, "page": str(page)}, 100)).hits]
    assert len(everything) == len(set(everything)) == result.total
    if p.radius_km is None:
        assert set(everything) == covering
    else:
        assert set(everything) <= base
        field = set(selectors._filtered(p).filter(selectors._coverage(m), forms__contains="|ter|")
                    .values_list("service_id", flat=True))
        assert field <= set(everything)


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet="abcdeilmnoprstuvyzáčéěíňřšťúůýž ", min_size=1, max_size=12))
def test_any_typed_text_selects_as_the_sql_query(text):
    p = _params({"q": text})
    total, page = _sql_page(p)
    result = selectors.search(p)
    assert (result.total, [h.entry.service_id for h in result.hits]) == (total, page)


def test_index_follows_a_refresh_and_the_date_of_operation(django_capture_on_commit_callbacks):
    p = _params({"q": "pecovatelska sluzba"}, page_size=100)
    first = selectors.search(p)
    assert first.total
    before = search_index.current()
    victim = Service.objects.get(pk=first.hits[0].entry.service_id)
    with django_capture_on_commit_callbacks(execute=True):
        victim.valid_to = date.today() - timedelta(days=1)
        victim.save()
    catalogue_refresh(service_ids=[victim.pk])
    assert search_index.current() is not before
    after = selectors.search(p)
    assert after.total == first.total - 1
    assert victim.pk not in {h.entry.service_id for h in after.hits}
    assert after.total == _sql_page(p)[0]


def test_index_is_built_once_per_version():
    cache.version_forget()
    idx = search_index.current()
    assert search_index.current() is idx
    assert idx.n == CatalogueEntry.objects.count()
    # positions follow the database's order by name
    assert idx.ids.tolist() == list(CatalogueEntry.objects.order_by("name", "service_id")
                                    .values_list("service_id", flat=True))
    assert not np.any(idx.words.starting("zzzzzz"))
