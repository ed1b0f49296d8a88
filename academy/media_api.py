"""Wagtail's admin API of images and documents, listing what its user may choose only.

The admin's own screens do not read these endpoints (its choosers have views of their
own), but they answer any signed-in editor: unfiltered, they list every city's library.
"""

from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet

from .media import choosable


class ChoosableMixin:
    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .filter(pk__in=choosable(self.model, self.request.user).values("pk"))
        )


class CityImagesAPIViewSet(ChoosableMixin, ImagesAdminAPIViewSet):
    pass


class CityDocumentsAPIViewSet(ChoosableMixin, DocumentsAdminAPIViewSet):
    pass
