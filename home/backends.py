"""Permissions read in one query instead of two (a person's own and their groups'): every
page a signed-in person gets asks once (the admin link of the site's header, Wagtail's
user bar). Axes' backend, first in the list, answers permissions for Django's model
backend, which then finds them known."""

from axes.backends import AxesBackend
from django.contrib.auth.models import Permission
from django.db.models import Q


class AccountBackend(AxesBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            perms = Permission.objects.all()
            if not user_obj.is_superuser:
                perms = perms.filter(Q(user=user_obj) | Q(group__user=user_obj))
            pairs = perms.values_list("content_type__app_label", "codename").order_by()
            user_obj._perm_cache = {f"{app}.{codename}" for app, codename in pairs.distinct()}
        return user_obj._perm_cache
