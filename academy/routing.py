"""Routing a deep URL in one query instead of two per level of the page tree.

Wagtail routes ``/lisbon/a-course/module-3/`` one level at a time: each level costs the
child by its slug and then that child's specific page, six queries for a module page.
``DirectRoutingMixin`` finds every page on the way in one query by their ``url_path``
(which Wagtail keeps up to date), then the last one's specific page: two queries at any
depth. It routes exactly as Wagtail would or hands over to Wagtail's own routing: when a
page on the way is missing (Wagtail answers 404, or a page routes the rest itself) or
routes differently (its class overrides ``route``), nothing is decided here.

The same query finds the pages above, which are kept on the page served: its view
restrictions (Wagtail's ``before_serve_page`` check) then cost one query instead of two.
"""

from django.db.models import Q
from wagtail.models import Page, PageViewRestriction


class DirectRoutingMixin:
    """Put first in the bases of a page model that is served often or sits above such pages."""

    def route(self, request, path_components):
        if len(path_components) < 2:
            return super().route(request, path_components)
        prefixes = [
            self.url_path + "".join(f"{slug}/" for slug in path_components[:depth])
            for depth in range(1, len(path_components) + 1)
        ]
        above = [self.path[: Page.steplen * depth] for depth in range(1, self.depth)]
        pages = list(
            Page.objects.filter(
                Q(path__in=above) | Q(path__startswith=self.path, url_path__in=prefixes)
            ).order_by("depth")
        )
        chain = [page for page in pages if page.depth > self.depth]
        if [page.url_path for page in chain] != prefixes or not all(
            getattr(page.specific_class, "route", None) in (Page.route, DirectRoutingMixin.route)
            for page in chain[:-1]
        ):
            return super().route(request, path_components)
        parent = self
        for page in chain:
            page._cached_parent_obj = parent
            parent = page
        target = chain[-1].specific
        target._cached_parent_obj = chain[-2]
        target._routed_ancestors = [*pages[: len(above)], self, *chain[:-1]]
        return target.route(request, [])

    def get_view_restrictions(self):
        """One query when routing found the ancestors; Wagtail's own (which resolves
        aliases to their source pages) otherwise."""
        ancestors = getattr(self, "_routed_ancestors", None)
        if ancestors is None or self.alias_of_id or any(page.alias_of_id for page in ancestors):
            return super().get_view_restrictions()
        return PageViewRestriction.objects.filter(
            page_id__in=[self.pk, *(page.pk for page in ancestors)]
        )
