"""The public glossary of the network: every term, searchable in any of its languages."""

import re

from django.db.models import Q
from django.shortcuts import render

from .models import GlossaryTerm

FIELDS = ("term", "term_fr", "term_nl", "term_es", "term_pt", "definition")


def glossary(request):
    """The glossary, or the terms that match ``q`` in any language (or their definition)."""
    query = request.GET.get("q", "")[:200].strip()
    terms = GlossaryTerm.objects.prefetch_related("forces")
    words = re.findall(r"\w+", query)
    for word in words:
        matches = Q()
        for field in FIELDS:
            matches |= Q(**{f"{field}__icontains": word})
        terms = terms.filter(matches)
    return render(request, "academy/glossary.html", {"terms": terms, "query": query})
