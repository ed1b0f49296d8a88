from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib.auth import views as auth_views
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from home import account_views
from home import views as home_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    # Browsers ask for /favicon.ico whatever the page links to.
    path("favicon.ico", home_views.favicon, name="favicon"),
    # The academies' did:web documents and status lists: fixed addresses, no language prefix.
    path("", include("certificates.trust_urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Pages are served under a language prefix (/en/, /fr/, ...): Wagtail i18n. The site's own
# account pages (it signs in by e-mail address) come first, then the academy's pages (the
# officer's profile at accounts/profile/ among them), then Wagtail's.
urlpatterns += i18n_patterns(
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/sign-up/", account_views.sign_up_view, name="sign_up"),
    path("privacy-notice/", home_views.privacy_notice, name="privacy_notice"),
    path(
        "accounts/confirm/<uidb64>/<token>/",
        account_views.confirm_account,
        name="account_confirm",
    ),
    path(
        "accounts/email/confirm/<str:token>/",
        account_views.confirm_new_email,
        name="email_change_confirm",
    ),
    path(
        "accounts/password/",
        account_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path("accounts/password/reset/", account_views.password_reset, name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        account_views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("", include("academy.urls")),
    path("", include(wagtail_urls)),
)
