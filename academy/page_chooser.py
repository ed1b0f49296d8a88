"""Wagtail's page chooser, for city staff: their own city's pages, and other cities'
pages only as the public sees them.

The chooser shows each page's draft title, so another city's page appears only while it
is live, public and has no newer draft. Network admins choose among every page.
"""

from django.db.models import Q
from django.http import Http404
from wagtail.admin.views.chooser import BrowseView
from wagtail.models import Page
from wagtail.permissions import policy_registry


def choosable_pages(user):
    """The pages ``user`` may see in the page chooser."""
    if user.is_superuser:
        return Page.objects.all()
    own = policy_registry.get_by_type(Page).explorable_instances(user)
    published = Page.objects.live().public().filter(has_unpublished_changes=False)
    return Page.objects.filter(Q(pk__in=own.values("pk")) | Q(pk__in=published.values("pk")))


def only_choosable_pages(pages, request):
    """The ``construct_page_chooser_queryset`` hook: browsing and searching both."""
    if request.user.is_superuser:
        return pages
    return pages.filter(pk__in=choosable_pages(request.user).values("pk"))


class CityBrowseView(BrowseView):
    """Browsing under a page shows that page too: it must be one the user may see."""

    def get(self, request, parent_page_id=None):
        if parent_page_id and not choosable_pages(request.user).filter(pk=parent_page_id).exists():
            raise Http404
        return super().get(request, parent_page_id)
