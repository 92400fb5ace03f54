"""Login, logout and password change pages (Django's views, our templates and rules)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.db import transaction
from django.http import HttpResponse
from django.urls import reverse_lazy

from liaison.core.audit import audit

from .models import User


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5): a link cannot log anybody out."""


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("portal:home")

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            user = User.objects.get(pk=form.user.pk)
            if user.must_change_password:
                User.objects.filter(pk=user.pk).update(must_change_password=False)
            audit(actor=user, action="auth.password_changed", target=user)
        return response
