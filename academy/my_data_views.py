"""My data: everything the site holds about the signed-in person, to read and to download
(HTML and JSON here, PDF from the certificates app), and their request to be erased."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .data_requests import request_erasure
from .models import ErasureRequest
from .personal_data import personal_data


def my_data_context(user):
    """What My data shows, in whichever form it is downloaded."""
    return {
        "person": user,
        "sections": personal_data(user),
        "generated_at": timezone.now(),
        "waiting_erasure": ErasureRequest.objects.filter(
            person=user, state=ErasureRequest.State.REQUESTED
        ).first(),
    }


@login_required
def my_data(request):
    """Everything the site holds about the signed-in person, section by section."""
    return render(request, "academy/my_data.html", my_data_context(request.user))


@login_required
def my_data_json(request):
    """The same, as JSON: each section a list of records, each record its fields by label."""
    context = my_data_context(request.user)
    document = {
        "generated_at": context["generated_at"],
        "sections": [
            {"title": section["title"], "records": [dict(row) for row in section["rows"]]}
            for section in context["sections"]
        ],
    }
    response = HttpResponse(
        json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="my-data-{context["generated_at"]:%Y-%m-%d}.json"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def ask_for_erasure(request):
    """Confirm, then record, the person's request to be erased (a network admin decides)."""
    if request.method == "POST":
        request_erasure(request.user)
        messages.success(
            request,
            _(
                "Your request is recorded. A network administrator will confirm it; you will "
                "then no longer be able to sign in."
            ),
        )
        return redirect("academy_my_data")
    return render(request, "academy/erasure_request.html")
