"""What every admin page of the project shares."""

from django.contrib.admin.utils import lookup_spawns_duplicates
from django.db import models
from django.db.models import Q
from django.db.models.constants import LOOKUP_SEP
from django.utils.text import smart_split, unescape_string_literal

# A web address typed without its scheme ("www.comune.melegnano.mi.it") becomes https://,
# as on the project's own forms (Django 5 still assumes http:// and warns that this will
# change).
URL_HTTPS = {models.URLField: {"assume_scheme": "https"}}


class IdsOfRelatedSearchMixin:
    """The admin's search, with the words of a related model's field (`ente__nome`,
    or `servizio__titolo` across a reverse one-to-one) matched on that model first, and
    then by their ids.

    Django matches each word with an OR of `icontains` over the search fields; across a
    join, that OR can use no index, so every search read the whole table: at a million
    services, "asilo" took 3.7 s a page and "Melegnano" 6.5 s (now 0.24 and 0.08 s:
    bench/bench_admin.py). With the ids, every arm of the OR is on the model's own
    table, where trigram indexes serve the `icontains` (the models' `gin_trgm_ops`
    indexes on `UPPER(...)`, the expression Django's `icontains` writes) and the key's
    index the ids. Plain field names only (no `^`, `=` or `@`), at most one relation
    deep."""

    # The ids go into the statement as constants: PostgreSQL hashes a constant list to
    # check it row by row, where the plan does not read them from the index (an array
    # from a subquery would be walked, element by element, for every row). A word
    # matching more related rows than this is matched by a subquery instead, row by row.
    max_related_ids = 10_000

    def get_search_results(self, request, queryset, search_term):
        fields = self.get_search_fields(request)
        if not search_term or not fields:
            return super().get_search_results(request, queryset, search_term)
        for word in smart_split(search_term):
            if word[:1] in "\"'" and word[0] == word[-1]:
                word = unescape_string_literal(word)
            queryset = queryset.filter(self._word_condition(queryset.model, fields, word))
        # Only a many-to-many's ids join (`categorie__in`) and may repeat a row; Django's
        # own check says so for a reverse foreign key too, which costs a DISTINCT only.
        return queryset, any(lookup_spawns_duplicates(self.opts, field) for field in fields)

    def _word_condition(self, model, fields, word: str) -> Q:
        # Matching nothing until a field matches (an empty Q would keep every row).
        condition = Q(pk__in=[])
        for field in fields:
            relation, _sep, remote = field.partition(LOOKUP_SEP)
            if not remote:
                condition |= Q(**{f"{field}__icontains": word})
                continue
            link = model._meta.get_field(relation)
            # A foreign key holds the related row's id; a reverse relation is held by
            # the related row's key to this model.
            own, theirs = ("pk", link.field.attname) if link.auto_created else (relation, "pk")
            matching = (
                link.related_model._default_manager.filter(**{f"{remote}__icontains": word})
                .exclude(**{f"{theirs}__isnull": True})
                .order_by()
                .values_list(theirs, flat=True)
            )
            ids = list(matching[: self.max_related_ids + 1])
            condition |= Q(**{f"{own}__in": matching if len(ids) > self.max_related_ids else ids})
        return condition
