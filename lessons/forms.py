"""Forms of the learner's exercises: routing-table rows, DNS record rows, the quiz.

The forms only normalise what was typed; whether a route or a record makes sense is the
simulator's and dnspython's call (lessons/exercises.py), so a row says exactly what
``ip route add`` or a zone file would say. Those errors come back keyed by path
(``routes.A[2]``) and :func:`attach_errors` puts each one beside its row.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.forms import BaseFormSet, formset_factory

from lessons.exercises import MAX_FIELD, MAX_ROWS, MAX_TTL_VALUE, RECORD_TYPES
from netlearn.validators import StorableTextMixin

ROUTES_PREFIX = "routes"
RECORDS_PREFIX = "records"


def _text(label: str, *, placeholder: str = "", numeric: bool = False) -> forms.CharField:
    attrs = {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}
    if placeholder:
        attrs["placeholder"] = placeholder
    if numeric:
        attrs["inputmode"] = "numeric"
    return forms.CharField(
        label=label, required=False, max_length=MAX_FIELD, widget=forms.TextInput(attrs=attrs)
    )


class _RowForm(StorableTextMixin, forms.Form):
    """A row of a table-like exercise; ``row_error`` is the simulator's verdict on the row."""

    row_error: str = ""
    row_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, choices: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.row_error = ""
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(*[Column(name, css_class="col-6 col-md") for name in self.visible_names()])
        )

    def visible_names(self) -> list[str]:
        return [name for name in self.row_fields if not self.fields[name].widget.is_hidden]

    def set_row_error(self, message: str) -> None:
        """Show the simulator's message beside the row and point its fields at it."""
        self.row_error = message
        for name in self.visible_names():
            attrs = self.fields[name].widget.attrs
            attrs["aria-describedby"] = f"{self.prefix}-error"
            attrs["aria-invalid"] = "true"

    def has_content(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return any(data.get(name) for name in self.row_fields if name not in ("host", "zone"))


class RouteRowForm(_RowForm):
    """One route to add: ``ip route add DESTINATION [via GATEWAY] [dev DEVICE] [metric N]``."""

    row_fields = ("host", "destination", "gateway", "device", "metric")

    host = forms.ChoiceField(label="Host", required=False)
    destination = _text("Destination", placeholder="e.g. 10.0.0.0/8 or default")
    gateway = _text("Gateway", placeholder="e.g. 10.0.0.1")
    device = _text("Device", placeholder="e.g. eth1")
    metric = _text("Metric", numeric=True)

    def __init__(self, *args: Any, choices: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        hosts = choices or []
        self.fields["host"].choices = [(h, h) for h in hosts]
        self.fields["host"].initial = hosts[0] if hosts else ""
        if len(hosts) <= 1:
            self.fields["host"].widget = forms.HiddenInput()
            self.helper.layout = Layout(
                "host",
                Row(*[Column(name, css_class="col-6 col-md") for name in self.visible_names()]),
            )

    def clean_host(self) -> str:
        host = self.cleaned_data.get("host") or ""
        choices = [value for value, _ in self.fields["host"].choices]
        return host if host in choices else (choices[0] if choices else "")

    def clean_metric(self) -> str:
        metric = self.cleaned_data.get("metric", "").strip()
        if metric and not (metric.isascii() and metric.isdigit()):
            raise forms.ValidationError("The metric is a whole number (0 is the default).")
        return metric

    def row(self) -> dict[str, str]:
        return {k: self.cleaned_data.get(k, "").strip() for k in self.row_fields[1:]}


class RecordRowForm(_RowForm):
    """One DNS record to add to a zone: NAME TTL IN TYPE VALUE."""

    row_fields = ("zone", "name", "type", "value", "ttl")

    zone = forms.ChoiceField(label="Zone", required=False)
    name = _text("Name", placeholder="e.g. mail or @")
    type = forms.ChoiceField(
        label="Type", choices=[(t, t) for t in RECORD_TYPES], initial="A", required=False
    )
    value = _text("Value", placeholder="e.g. 192.0.2.10")
    ttl = _text("TTL", placeholder="300", numeric=True)

    def __init__(self, *args: Any, choices: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zones = choices or []
        self.fields["zone"].choices = [(z, z) for z in zones]
        self.fields["zone"].initial = zones[0] if zones else ""
        if len(zones) <= 1:
            self.fields["zone"].widget = forms.HiddenInput()
            self.helper.layout = Layout(
                "zone",
                Row(*[Column(name, css_class="col-6 col-md") for name in self.visible_names()]),
            )

    def clean_zone(self) -> str:
        zone = self.cleaned_data.get("zone") or ""
        choices = [value for value, _ in self.fields["zone"].choices]
        return zone if zone in choices else (choices[0] if choices else "")

    def clean_type(self) -> str:
        return self.cleaned_data.get("type") or "A"

    def clean_ttl(self) -> str:
        ttl = self.cleaned_data.get("ttl", "").strip()
        if ttl and not (ttl.isascii() and ttl.isdigit() and int(ttl) <= MAX_TTL_VALUE):
            raise forms.ValidationError(
                f"The TTL is a whole number of seconds (0 to {MAX_TTL_VALUE})."
            )
        return ttl

    def has_content(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return bool(data.get("name") or data.get("value"))

    def row(self) -> dict[str, str]:
        return {k: str(self.cleaned_data.get(k, "")).strip() for k in self.row_fields[1:]}


class _RowFormSet(BaseFormSet):
    """Rows of one exercise; ``choices`` are its hosts (routes) or zones (DNS records)."""

    key = ""  # "routes" or "records": the submission's key
    group_field = ""  # "host" or "zone"
    default_error_messages = {
        "too_many_forms": f"At most {MAX_ROWS} rows: remove some and check again.",
    }

    def __init__(self, *args: Any, choices: list[str] | None = None, **kwargs: Any) -> None:
        self.choices = list(choices or [])
        kwargs.setdefault("form_kwargs", {})["choices"] = self.choices
        super().__init__(*args, **kwargs)
        self.row_paths: dict[str, int] = {}

    def submission(self) -> dict:
        """``{"routes": {"A": [row, ...]}}`` (or records by zone), blank rows left out; call
        after ``is_valid()``. Remembers which form each path (``routes.A[0]``) came from."""
        grouped: dict[str, list[dict]] = {}
        self.row_paths = {}
        for index, form in enumerate(self.forms):
            if not form.has_content():
                continue
            group = form.cleaned_data.get(self.group_field) or (self.choices or [""])[0]
            rows = grouped.setdefault(group, [])
            self.row_paths[f"{self.key}.{group}[{len(rows)}]"] = index
            rows.append(form.row())
        return {self.key: grouped}

    def attach_errors(self, errors: Mapping[str, str]) -> list[str]:
        """Put each simulator error beside its row; returns the messages that fit no row."""
        loose = []
        for path, message in errors.items():
            index = self.row_paths.get(path)
            if index is None:
                loose.append(message)
            else:
                self.forms[index].set_row_error(message)
        return loose


class RouteFormSet(_RowFormSet):
    key = "routes"
    group_field = "host"


class RecordFormSet(_RowFormSet):
    key = "records"
    group_field = "zone"


# absolute_max: Django's default (max_num + 1000) would build, validate and render 1,100 rows
# for a post that claims TOTAL_FORMS=100000; past MAX_ROWS the formset says so instead.
RouteRows = formset_factory(
    RouteRowForm,
    formset=RouteFormSet,
    extra=0,
    max_num=MAX_ROWS,
    absolute_max=MAX_ROWS,
    validate_max=True,
)
RecordRows = formset_factory(
    RecordRowForm,
    formset=RecordFormSet,
    extra=0,
    max_num=MAX_ROWS,
    absolute_max=MAX_ROWS,
    validate_max=True,
)


def initial_rows(saved: Any, group_field: str) -> list[dict]:
    """Workspace rows ``{"A": [row, ...]}`` as formset initial data, one blank row if none."""
    rows: list[dict] = []
    if isinstance(saved, dict):
        for group, items in saved.items():
            for item in items if isinstance(items, list) else []:
                if isinstance(item, dict):
                    rows.append({group_field: group, **{k: str(v) for k, v in item.items()}})
    return rows or [{}]


def row_formset(
    kind: str, *, choices: list[str], data: Any = None, saved: Any = None, add_row: bool = False
) -> _RowFormSet:
    """The formset of a routes or DNS exercise: bound to ``data`` when posted, else filled
    from the workspace's ``saved`` rows. ``add_row`` appends one blank row (the "Add route" /
    "Add record" button, with or without JavaScript)."""
    factory, prefix, group = (
        (RouteRows, ROUTES_PREFIX, "host")
        if kind == "routes"
        else (RecordRows, RECORDS_PREFIX, "zone")
    )
    if data is not None:
        if add_row:
            data = data.copy()
            total = f"{prefix}-TOTAL_FORMS"
            try:
                count = int(data.get(total, 0))
            except (TypeError, ValueError):
                count = 0
            data[total] = str(min(count + 1, MAX_ROWS))
        return factory(data, prefix=prefix, choices=choices)
    initial = initial_rows(saved, group)
    if add_row:
        initial.append({})
    return factory(initial=initial, prefix=prefix, choices=choices)


class QuizForm(forms.Form):
    """One radio group per question; the value is the chosen choice's index."""

    def __init__(self, *args: Any, questions: list[dict], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for i, question in enumerate(questions):
            self.fields[f"q{i}"] = forms.TypedChoiceField(
                label=question.get("prompt", f"Question {i + 1}"),
                choices=[(str(k), str(c)) for k, c in enumerate(question.get("choices", []))],
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect,
            )
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def submission(self) -> dict:
        return {"answers": [self.cleaned_data.get(f"q{i}") for i in range(len(self.questions))]}

    @staticmethod
    def initial_from(saved: Any) -> dict:
        answers = saved if isinstance(saved, list) else []
        return {f"q{i}": str(a) for i, a in enumerate(answers) if a is not None}
