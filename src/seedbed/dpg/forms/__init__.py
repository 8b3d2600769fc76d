"""Forms of the DPG pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class RepositoryForm(forms.Form):
    url = forms.CharField(
        label=_("Repository"),
        max_length=500,
        help_text=_("Its public address, e.g. https://github.com/org/project (GitLab and other forges too)."),
    )
    name = forms.CharField(
        label=_("Name"), max_length=100, initial="main", help_text=_("“main” for the primary one.")
    )


from seedbed.dpg.forms.assessment import AnswerForm, DpgStatusForm, SignOffForm, SolutionForm  # noqa: E402

__all__ = ["AnswerForm", "DpgStatusForm", "RepositoryForm", "SignOffForm", "SolutionForm"]
