"""The investment committee: meetings, their agenda of applications, members' votes and decisions.

A decision is recorded only when the votes cast reach the meeting's quorum, and it must follow the
vote: *approve* needs more approvals than declines, *decline* needs at least as many declines as
approvals; *defer* is always possible. A member with a declared conflict cannot vote on that item.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from seedbed.calls.models.application import Application
from seedbed.calls.models.call import Call


class Meeting(models.Model):
    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="meetings")
    title = models.CharField(_("title"), max_length=200)
    scheduled_at = models.DateTimeField(_("date and time"))
    location = models.CharField(_("place or link"), max_length=300, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), related_name="committee_meetings"
    )
    quorum = models.PositiveSmallIntegerField(
        _("quorum"),
        default=3,
        help_text=_("Votes needed on an application before a decision can be recorded."),
    )
    minutes = models.TextField(_("minutes"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("committee meeting")
        verbose_name_plural = _("committee meetings")
        ordering = ["-scheduled_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quorum__gt=0), name="meeting_quorum_positive")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meeting_detail", args=[self.pk])


class ItemDecision(models.TextChoices):
    PENDING = "", _("Not decided")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    DEFERRED = "deferred", _("Deferred")


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(_("position"))
    decision = models.CharField(
        _("decision"), max_length=10, choices=ItemDecision.choices, blank=True, default=""
    )
    decision_note = models.TextField(_("note"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "application"], name="application_once_per_meeting"),
            models.UniqueConstraint(fields=["meeting", "position"], name="unique_agenda_position"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} #{self.position}"


class VoteChoice(models.TextChoices):
    APPROVE = "approve", _("Approve")
    DECLINE = "decline", _("Decline")
    ABSTAIN = "abstain", _("Abstain")


class Vote(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="committee_votes"
    )
    choice = models.CharField(_("vote"), max_length=8, choices=VoteChoice.choices)
    cast_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["item", "member"], name="one_vote_per_member")]

    def __str__(self) -> str:
        return f"{self.member} {self.choice}"
