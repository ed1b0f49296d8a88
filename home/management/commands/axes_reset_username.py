"""django-axes' `axes_reset_username`, for addresses typed in any case or with spaces: sign-in
attempts are counted under the address as stored (see AXES_USERNAME_CALLABLE)."""

from axes.management.commands.axes_reset_username import Command as AxesCommand

from home.models import User


class Command(AxesCommand):
    def handle(self, *args, **options):
        options["username"] = [User.objects.normalize_email(name) for name in options["username"]]
        return super().handle(*args, **options)
