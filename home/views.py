from django.shortcuts import redirect
from django.templatetags.static import static


def favicon(request):
    """The site's icon where browsers look for it without reading the page."""
    return redirect(static("home/favicon.svg"), permanent=True)
