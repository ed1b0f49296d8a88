"""Public URLs of certificates: the officer's record and the verification anyone may use."""

from django.urls import path

from . import records, views

urlpatterns = [
    path("my-learning/", records.my_learning, name="my_learning"),
    path("my-learning/transcript.pdf", records.transcript, name="transcript"),
    path("accounts/my-data/data.pdf", records.my_data_pdf, name="my_data_pdf"),
    path("certificates/verify/", views.verify_form, name="certificate_verify_form"),
    # Before the code's route: "file" is no code (codes have 32 characters).
    path("certificates/verify/file/", views.verify_file, name="certificate_verify_file"),
    path("certificates/verify/<str:code>/", views.verify, name="certificate_verify"),
    path(
        "certificates/verify/<str:code>/credential.json",
        views.verified_credential,
        {"form": "json"},
        name="certificate_verify_credential_json",
    ),
    path(
        "certificates/verify/<str:code>/credential.jwt",
        views.verified_credential,
        {"form": "jwt"},
        name="certificate_verify_credential_jwt",
    ),
    path("certificates/<int:pk>/pdf/", views.download, name="certificate_download"),
    path(
        "certificates/<int:pk>/credential.json",
        views.download_credential,
        {"form": "json"},
        name="certificate_download_credential_json",
    ),
    path(
        "certificates/<int:pk>/credential.jwt",
        views.download_credential,
        {"form": "jwt"},
        name="certificate_download_credential_jwt",
    ),
]
