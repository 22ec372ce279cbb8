"""Emails to the people concerned when an assessment changes state."""

import logging

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.urls import reverse

from assessments.lifecycle import Action
from assessments.models import Assessment, Role

logger = logging.getLogger(__name__)

# Who hears of each change: the reviewers of a submission, the assessors of a
# return, the admins and executives of an approval.
RECIPIENT_ROLES = {
    Action.SUBMIT: (Role.AUDITOR,),
    Action.RETURN: (Role.ASSESSOR, Role.ADMIN),
    Action.APPROVE: (Role.ADMIN, Role.EXECUTIVE),
}
SUBJECTS = {
    Action.SUBMIT: "[CMMRM] 评估已提交审核 / Assessment submitted for review: {title}",
    Action.RETURN: "[CMMRM] 评估已退回 / Assessment returned: {title}",
    Action.APPROVE: "[CMMRM] 评估已批准 / Assessment approved: {title}",
}


def notify_state_change(
    assessment: Assessment, action: Action, user: AbstractBaseUser
) -> None:
    roles = RECIPIENT_ROLES.get(action)
    if roles is None:
        return
    recipients = sorted(
        {
            membership.user.email
            for membership in assessment.organization.memberships.select_related("user")
            if membership.role in roles and membership.user.email
        }
    )
    if not recipients:
        return
    link = settings.SITE_URL + reverse("assessments:assessment", args=[assessment.pk])
    body = (
        f"{assessment.organization.name}: {assessment.title}\n"
        f"{action.value} by {user.get_username()}\n"
        f"{assessment.return_reason if action is Action.RETURN else ''}\n{link}\n"
    )
    try:
        send_mail(
            SUBJECTS[action].format(title=assessment.title), body, None, recipients
        )
    except OSError:
        # The state has changed already; a mail server that is down must not undo it.
        logger.exception(
            "could not send the %s email for assessment %s", action, assessment.pk
        )
