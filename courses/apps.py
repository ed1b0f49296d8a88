from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    """Courses, modules and assessments, module progress and attempts ."""

    # Whatever DEFAULT_AUTO_FIELD the site has: the migrations shipped with the plugin say so.
    default_auto_field = "django.db.models.BigAutoField"
    name = "courses"
    verbose_name = _("Courses")
    # Its public pages are mounted by the site's include("academy.urls").
    academy_public_urls = True

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from academy.page_cache import invalidate_on_change

        # Sessions, their places left (enrolments) and themes are on the public pages
        # cached for visitors: a change drops them (academy.page_cache).
        for name in ("Session", "Enrolment", "Theme"):
            model = self.get_model(name)
            post_save.connect(invalidate_on_change, sender=model, dispatch_uid=f"cache_{name}")
            post_delete.connect(invalidate_on_change, sender=model, dispatch_uid=f"uncache_{name}")
        # Module pages take an officer's enrolment from the cache (courses.outline).
        from courses import outline

        enrolment, session = self.get_model("Enrolment"), self.get_model("Session")
        for signal in (post_save, post_delete):
            signal.connect(outline.forget_officer_of_enrolment, sender=enrolment)
        post_save.connect(outline.forget_officers_of_session, sender=session)
