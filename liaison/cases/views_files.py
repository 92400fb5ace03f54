"""Downloading a case's photo or PDF (SECURITY.md S6): only through this view, only for someone
who may see it, and never in a way a browser could run (attachment, nosniff, sandboxed).

Back-office actors reach an attachment through the case's jurisdiction and
`permissions.can_see_attachment`; a resident through a fresh tracking ticket in the session
(or, signed in, his own case), and then only files marked public. Everyone else gets 404, the
same answer as for an id that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_safe

from liaison.accounts.jurisdiction import jurisdiction_for

from .attachments import attachment_path
from .models import Case, CaseAttachment
from .permissions import can_see_attachment
from .selectors import cases_of_resident
from .tracking import SESSION_KEY, recall


def _for_back_office(request: HttpRequest, attachment_id: int) -> CaseAttachment | None:
    actor = jurisdiction_for(request.user)
    if not actor.is_staff_member:
        return None
    attachment = (
        CaseAttachment.objects.filter(pk=attachment_id, case__in=Case.objects.visible_to(actor, "view"))
        .select_related("case")
        .first()
    )
    if attachment is None:
        return None
    if not can_see_attachment(
        actor, attachment.case, referral_id=attachment.referral_id, is_public=attachment.is_public
    ):
        return None
    return attachment


def _for_resident(request: HttpRequest, attachment_id: int) -> CaseAttachment | None:
    held: dict[str, Any] = request.session.get(SESSION_KEY, {}) if hasattr(request, "session") else {}
    case_ids = [int(key) for key in held if str(key).isdigit()]
    if case_ids:
        attachment = CaseAttachment.objects.filter(pk=attachment_id, case_id__in=case_ids, is_public=True).first()
        if attachment is not None and recall(request, attachment.case_id) is not None:
            return attachment
    if request.user.is_authenticated:
        return CaseAttachment.objects.filter(
            pk=attachment_id, case__in=cases_of_resident(user=request.user), is_public=True
        ).first()
    return None


@require_safe
def download(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    """The file, as a download, for someone allowed to see it; else 404."""
    attachment = _for_back_office(request, attachment_id) or _for_resident(request, attachment_id)
    if attachment is None:
        raise Http404
    try:
        handle = attachment_path(attachment).open("rb")
    except (OSError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # Even if a browser were tricked into rendering it, the file could run nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Vary"] = "Cookie"
    return response
