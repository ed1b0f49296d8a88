from django.http import Http404
from django.shortcuts import redirect
from django.templatetags.static import static
from wagtail.models import Locale

from .models import PrivacyNoticePage


def favicon(request):
    """The site's icon where browsers look for it without reading the page."""
    return redirect(static("home/favicon.svg"), permanent=True)


def privacy_notice(request):
    """The network's privacy notice in the visitor's language (or the first one written):
    every page links here, so none of them looks the notice up."""
    notices = PrivacyNoticePage.objects.live().public()
    notice = notices.filter(locale=Locale.get_active()).first() or notices.order_by("pk").first()
    if notice is None:
        raise Http404
    return redirect(notice.url)
