from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from seedbed.core.forms import SignInForm
from seedbed.core.views import account, directory, health, home, jobs, signup

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    # Signing in, out, password reset, second factor
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=SignInForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # Applicants' self sign-up
    path("accounts/signup/", signup.signup, name="signup"),
    path("accounts/signup/sent/", signup.signup_done, name="signup_done"),
    path("accounts/verify/<uidb64>/<token>/", signup.signup_verify, name="signup_verify"),
    path("accounts/welcome/", signup.signup_welcome, name="signup_welcome"),
    path("accounts/two-factor/setup/", account.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", account.two_factor_verify, name="two_factor_verify"),
    path("accounts/tokens/", account.token_list, name="token_list"),
    path("accounts/tokens/<int:pk>/revoke/", account.token_revoke, name="token_revoke"),
    path("invitations/", account.invitation_list, name="invitation_list"),
    path("invitations/accept/<str:token>/", account.invitation_accept, name="invitation_accept"),
    # Directory
    path("countries/", directory.country_list, name="country_list"),
    path("countries/<str:iso2>/", directory.country_detail, name="country_detail"),
    path("organizations/", directory.organization_list, name="organization_list"),
    path("organizations/new/", directory.organization_create, name="organization_create"),
    path("organizations/<slug:slug>/", directory.organization_detail, name="organization_detail"),
    path("organizations/<slug:slug>/edit/", directory.organization_edit, name="organization_edit"),
    path(
        "organizations/<slug:slug>/activity/", directory.organization_activity, name="organization_activity"
    ),
    path("organizations/<slug:slug>/members/", directory.membership_add, name="membership_add"),
    path(
        "organizations/<slug:slug>/members/<int:pk>/remove/",
        directory.membership_remove,
        name="membership_remove",
    ),
    path(
        "organizations/<slug:slug>/join/",
        directory.membership_request_create,
        name="membership_request_create",
    ),
    path(
        "organizations/<slug:slug>/join/<int:pk>/",
        directory.membership_request_decide,
        name="membership_request_decide",
    ),
    # Audit and jobs
    path("audit/", account.audit_log, name="audit_log"),
    path("jobs/<uuid:pk>/", jobs.job_detail, name="job_detail"),
    path("jobs/<uuid:pk>/progress/", jobs.job_progress, name="job_progress"),
    path("jobs/<uuid:pk>/download/", jobs.job_download, name="job_download"),
]
