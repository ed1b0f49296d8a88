"""Public URLs of the learning domain: catalogue, sessions, modules and attempts."""

from django.urls import path

from . import attempt_views, catalogue, package_views, practice_views, public_views, session_views

urlpatterns = [
    path("catalogue/", catalogue.catalogue, name="catalogue"),
    path("sessions/<int:pk>/", session_views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/session.ics", session_views.session_ics, name="session_ics"),
    path("sessions/<int:pk>/enrol/", session_views.enrol_in_session, name="session_enrol"),
    path(
        "sessions/<int:pk>/withdraw/", session_views.withdraw_from_session, name="session_withdraw"
    ),
    path("practices/", practice_views.practices, name="practices"),
    path("sessions/<int:pk>/review/", practice_views.review, name="peer_review"),
    path("sessions/<int:pk>/review/save/", practice_views.save_review, name="peer_review_save"),
    path("sessions/<int:pk>/review/submit/", practice_views.submit, name="peer_review_submit"),
    path("modules/<int:pk>/done/", public_views.mark_module_done, name="module_done"),
    path("modules/<int:pk>/heartbeat/", public_views.module_heartbeat, name="module_heartbeat"),
    path("modules/<int:pk>/player/", package_views.player, name="package_player"),
    path("modules/<int:pk>/package-commit/", package_views.package_commit, name="package_commit"),
    path("modules/<int:pk>/package/<path:path>", package_views.package_file, name="package_file"),
    path("assessments/<int:pk>/start/", attempt_views.start, name="attempt_start"),
    path("attempts/<int:pk>/", attempt_views.attempt_page, name="attempt"),
    path("attempts/<int:pk>/save/", attempt_views.save, name="attempt_save"),
    path("attempts/<int:pk>/submit/", attempt_views.submit, name="attempt_submit"),
    path("attempts/<int:pk>/review/", attempt_views.review, name="attempt_review"),
]
