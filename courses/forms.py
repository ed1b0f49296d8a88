"""Admin forms of courses: validation in words a trainer understands."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from academy import policy
from academy.media import CityMediaPageForm

CHOICE_KINDS = {"single", "multiple", "true_false"}


def _kept(formset):
    """Forms of a formset that are filled in and not marked for deletion."""
    return [
        form
        for form in formset.forms
        if hasattr(form, "cleaned_data")
        and form.cleaned_data
        and not form.cleaned_data.get("DELETE")
    ]


class AssessmentPageForm(CityMediaPageForm):
    def clean(self):
        cleaned_data = super().clean()
        time_limit = cleaned_data.get("time_limit_minutes")
        if time_limit is not None and time_limit <= 0:
            self.add_error(
                "time_limit_minutes",
                _("The time limit must be a positive number of minutes, or empty for none."),
            )
        return cleaned_data

    def is_valid(self):
        # Rules across questions, choices and pools need every nested form cleaned
        # first, which only happens in ClusterForm.is_valid().
        valid = super().is_valid()
        questions = _kept(self.formsets["questions"])
        for question in questions:
            self._check_choices(question)
        self._check_pools(questions)
        return valid and all(
            not form.errors for form in [*questions, *_kept(self.formsets["pools"])]
        )

    def _check_choices(self, question):
        kind = question.cleaned_data.get("kind")
        if kind not in CHOICE_KINDS:
            return
        choices = _kept(question.formsets["choices"])
        correct = [choice for choice in choices if choice.cleaned_data.get("is_correct")]
        if len(choices) < 2:
            question.add_error(None, _("A choice question needs at least two choices."))
        if not correct:
            question.add_error(
                None, _("A choice question needs at least one correct choice: tick it.")
            )
        elif kind in {"single", "true_false"} and len(correct) > 1:
            question.add_error(
                None,
                _("This kind of question has exactly one correct choice; %(count)s are ticked.")
                % {"count": len(correct)},
            )

    def _check_pools(self, questions):
        in_pool = {}
        for question in questions:
            pool = question.cleaned_data.get("pool", "").strip()
            if pool:
                in_pool[pool] = in_pool.get(pool, 0) + 1
        drawn = set()
        for draw in _kept(self.formsets["pools"]):
            pool = draw.cleaned_data.get("pool", "").strip()
            wanted = draw.cleaned_data.get("questions_to_draw") or 0
            drawn.add(pool)
            if wanted > in_pool.get(pool, 0):
                draw.add_error(
                    "questions_to_draw",
                    _("The pool “%(pool)s” holds %(count)s questions: it cannot draw %(wanted)s.")
                    % {"pool": pool, "count": in_pool.get(pool, 0), "wanted": wanted},
                )
        for question in questions:
            pool = question.cleaned_data.get("pool", "").strip()
            if pool and pool not in drawn:
                question.add_error(
                    "pool",
                    _(
                        "No pool draw uses the pool “%(pool)s”: add one above or leave the pool "
                        "empty."
                    )
                    % {"pool": pool},
                )


class EnrolmentDecisionForm(forms.Form):
    """A coordinator's decision on one or several requests, with a reason the officers read."""

    enrolments = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Select at least one request.")},
    )
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[("approve", gettext_lazy("Approve")), ("reject", gettext_lazy("Reject"))],
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (sent to the officers)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, session=None, requests=None, **kwargs):
        """The requests of ``session`` waiting for its academy, or the ``requests`` given
        (those waiting for a force's training manager)."""
        super().__init__(*args, **kwargs)
        self.fields["enrolments"].queryset = (
            requests if requests is not None else session.enrolments.requested()
        )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not data.get("reason", "").strip():
            self.add_error("reason", _("Say why: the officers read this reason in their email."))
        return data


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (sent to the enrolled officers)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ModulePageForm(CityMediaPageForm):
    """A module plays only a package of its editor's cities (the chooser lists only those;
    a posted id is checked against the same rule). A package already there stays."""

    def clean(self):
        from courses.models import ContentPackage  # the models import these forms

        cleaned_data = super().clean()
        package = cleaned_data.get("package")
        if (
            package is not None
            and self.for_user is not None
            and package.pk != self.initial.get("package")
            and not policy.scope(ContentPackage.objects.all(), self.for_user, "choose")
            .filter(pk=package.pk)
            .exists()
        ):
            self.add_error("package", _("Choose a package of your own academy."))
        return cleaned_data
