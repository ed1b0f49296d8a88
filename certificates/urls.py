"""Public URLs of certificates: the officer's record and the verification anyone may use."""

from django.urls import path

from . import records, views

urlpatterns = [
    path("my-learning/", records.my_learning, name="my_learning"),
    path("my-learning/transcript.pdf", records.transcript, name="transcript"),
    path("accounts/my-data/data.pdf", records.my_data_pdf, name="my_data_pdf"),
    path("certificates/verify/", views.verify_form, name="certificate_verify_form"),
    path("certificates/verify/<str:code>/", views.verify, name="certificate_verify"),
    path("certificates/<int:pk>/pdf/", views.download, name="certificate_download"),
]
