"""What the form kinds made of rows share (routes, DNS records): the rows' limits, the form of
one row, the formset of an exercise's rows, and the kind's page and posted form.

The forms only normalise what was typed; whether a route or a record makes sense is the
simulator's and dnspython's call (the kind's ``network``), so a row says exactly what
``ip route add`` or a zone file would say. Those errors come back keyed by path
(``routes.A[2]``) and :meth:`RowFormSet.attach_errors` puts each one beside its row.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.forms import BaseFormSet, formset_factory
from django.utils.functional import SimpleLazyObject

from lessons.kinds.base import ExerciseForm, Problem, SubmissionError
from lessons.kinds.network import NetworkKind, page_diagram, starting_network
from netlearn.sim import Network, ScenarioError
from netlearn.validators import StorableTextMixin

MAX_ROWS = 100  # rows per host (routes) or per zone (DNS records)
MAX_FIELD = 255  # characters in one form field


def row_values(row: dict, fields: tuple[str, ...], what: str) -> dict[str, str]:
    """A form row's fields as stripped text ("" when missing); ValueError for an unknown or an
    over-long field, in the words shown beside the row."""
    unknown = [key for key in row if key not in fields]
    if unknown:
        raise ValueError(f"unknown field {unknown[0]!r} (a {what} has {', '.join(fields)})")
    values = {}
    for key in fields:
        value = row.get(key)
        value = "" if value is None else str(value).strip()
        if len(value) > MAX_FIELD:
            raise ValueError(f"the {key} is too long")
        values[key] = value
    return values


def row_groups(
    submitted: Any,
    errors: dict[str, str],
    *,
    path: str,
    group: str,
    noun: str,
    unknown: Callable[[Any], str | None],
) -> Iterator[tuple[Any, str, list]]:
    """The groups of a submission's rows (``{"A": [row, ...]}``: rows by host or by zone) that
    can be read, as (name, path, rows); for the others, their error goes into ``errors`` under
    their path. ``unknown(name)`` says why a group is not in the exercise (None: it is)."""
    if not isinstance(submitted, dict):
        errors[path] = f"must map {group} names to lists of {noun}s"
        return
    for name, rows in submitted.items():
        gpath = f"{path}.{name}"
        problem = unknown(name)
        if problem is None and not isinstance(rows, list):
            problem = f"must be a list of {noun}s"
        elif problem is None and len(rows) > MAX_ROWS:
            problem = f"at most {MAX_ROWS} {noun}s per {group}"
        if problem is None:
            yield name, gpath, rows
        else:
            errors[gpath] = problem


# -- forms ---------------------------------------------------------------------------------------


def text_field(label: str, *, placeholder: str = "", numeric: bool = False) -> forms.CharField:
    attrs = {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}
    if placeholder:
        attrs["placeholder"] = placeholder
    if numeric:
        attrs["inputmode"] = "numeric"
    return forms.CharField(
        label=label, required=False, max_length=MAX_FIELD, widget=forms.TextInput(attrs=attrs)
    )


class RowForm(StorableTextMixin, forms.Form):
    """A row of a table-like exercise; ``row_error`` is the simulator's verdict on the row.

    ``row_fields`` starts with ``group_field``, the host or zone the row belongs to: a select
    when the exercise has several, a hidden field when it has one.
    """

    row_error: str = ""
    row_fields: ClassVar[tuple[str, ...]] = ()
    group_field: ClassVar[str] = ""

    def __init__(self, *args: Any, choices: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.row_error = ""
        groups = choices or []
        group = self.fields[self.group_field]
        group.choices = [(g, g) for g in groups]
        group.initial = groups[0] if groups else ""
        if len(groups) <= 1:
            group.widget = forms.HiddenInput()
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        columns = Row(*[Column(name, css_class="col-6 col-md") for name in self.visible_names()])
        self.helper.layout = Layout(self.group_field, columns) if len(groups) <= 1 else columns

    def visible_names(self) -> list[str]:
        return [name for name in self.row_fields if not self.fields[name].widget.is_hidden]

    def set_row_error(self, message: str) -> None:
        """Show the simulator's message beside the row and point its fields at it."""
        self.row_error = message
        for name in self.visible_names():
            attrs = self.fields[name].widget.attrs
            attrs["aria-describedby"] = f"{self.prefix}-error"
            attrs["aria-invalid"] = "true"

    def clean_group(self) -> str:
        """The posted host or zone if it is one of the exercise's, else its first."""
        group = self.cleaned_data.get(self.group_field) or ""
        choices = [value for value, _ in self.fields[self.group_field].choices]
        return group if group in choices else (choices[0] if choices else "")

    def has_content(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return any(data.get(name) for name in self.row_fields if name != self.group_field)

    def row(self) -> dict[str, str]:
        return {k: str(self.cleaned_data.get(k, "")).strip() for k in self.row_fields[1:]}


class RowFormSet(BaseFormSet):
    """Rows of one exercise; ``choices`` are its hosts (routes) or zones (DNS records). The
    prefix is the submission's key (``routes``, ``records``)."""

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
            group = form.cleaned_data.get(form.group_field) or (self.choices or [""])[0]
            rows = grouped.setdefault(group, [])
            self.row_paths[f"{self.prefix}.{group}[{len(rows)}]"] = index
            rows.append(form.row())
        return {self.prefix: grouped}

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


def rows_of(form: type[RowForm]) -> type[RowFormSet]:
    """The formset class of an exercise's rows of ``form``.

    absolute_max: Django's default (max_num + 1000) would build, validate and render 1,100 rows
    for a post that claims TOTAL_FORMS=100000; past MAX_ROWS the formset says so instead.
    """
    return formset_factory(
        form,
        formset=RowFormSet,
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


def _starting_diagram(spec: dict) -> dict | None:
    try:
        return page_diagram(starting_network(spec), None)
    except ScenarioError:
        return None


class PostedRows(ExerciseForm):
    """The rows a learner posted with "Check my work", "Add route" or "Add record"."""

    rows_partial = "rows"
    oob_partials = ("rows-oob",)
    invalid_message = (
        "Some rows cannot be added, so nothing was checked: see the message beside each row."
    )
    clear_results_when_invalid = True

    def __init__(self, formset: RowFormSet, *, add_row: bool) -> None:
        self.formset = formset
        self.add_row = add_row

    @property
    def context(self) -> dict[str, Any]:
        return {"formset": self.formset}

    def is_valid(self) -> bool:
        return self.formset.is_valid()

    def submission(self) -> dict:
        return self.formset.submission()

    def attach_errors(self, errors: Mapping[str, str]) -> dict[str, Any]:
        return {"loose_errors": self.formset.attach_errors(errors)}


# -- the kind ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RowsText:
    """The words of a rows form: ``legend`` ("Routes to add"), ``legend_one`` ("on") before
    the only host or zone, the button ``add`` ("Add route"), a row's ``noun`` ("Route"), and
    ``id`` the rows' element id."""

    id: str
    legend: str
    legend_one: str
    add: str
    noun: str


class RowsKind(NetworkKind):
    """A kind whose learner adds rows (to hosts' routing tables, to zones) with a form; the
    rows build the network from the starting scenario. The solution is rows too, under the
    same key as a submission."""

    template = "lessons/lesson.html#rows-exercise"
    rows: ClassVar[type[RowFormSet]]  # rows_of(the kind's RowForm)
    text: ClassVar[RowsText]

    @abstractmethod
    def choices(self, spec: dict) -> list[str]:
        """The hosts or zones a row can name, in the order the form offers them."""
        raise NotImplementedError

    @abstractmethod
    def network_for(self, spec: dict, submission: dict) -> Network:
        """The network the rows of ``submission`` build; SubmissionError by row."""
        raise NotImplementedError

    def network(self, spec: dict, *, submission: Any = None, network: Any = None) -> Network:
        return self.network_for(spec, submission if isinstance(submission, dict) else {})

    def solved_network(self, spec: dict, path: str) -> tuple[Network | None, list[Problem]]:
        try:
            return self.network_for(spec, self.solution_submission(spec)), []
        except SubmissionError as exc:
            return None, [Problem(f"{path}.{key}", message) for key, message in exc.errors.items()]

    def formset(
        self, spec: dict, *, data: Any = None, saved: Any = None, add_row: bool = False
    ) -> RowFormSet:
        """The exercise's formset: bound to ``data`` when posted, else filled from the
        workspace's ``saved`` rows. ``add_row`` appends one blank row (the "Add route" /
        "Add record" button, with or without JavaScript)."""
        prefix, choices = self.submission_key, self.choices(spec)
        if data is not None:
            if add_row:
                data = data.copy()
                total = f"{prefix}-TOTAL_FORMS"
                try:
                    count = int(data.get(total, 0))
                except (TypeError, ValueError):
                    count = 0
                data[total] = str(min(count + 1, MAX_ROWS))
            return self.rows(data, prefix=prefix, choices=choices)
        initial = initial_rows(saved, self.rows.form.group_field)
        if add_row:
            initial.append({})
        return self.rows(initial=initial, prefix=prefix, choices=choices)

    def page_context(self, *, spec: dict, view: Any, host: str, extra: dict) -> dict:
        """The rows as the learner left them (or as just posted) beside the starting network."""
        ctx: dict[str, Any] = {"rows": self.text}
        if "formset" not in extra:
            ctx["formset"] = self.formset(spec, saved=view.rows.get(self.submission_key))
        # The same for every learner: drawn only when the page's {% cache %} fragment, keyed by
        # the exercise's content, is not kept yet.
        ctx["diagram"] = SimpleLazyObject(lambda: _starting_diagram(spec))
        return ctx

    def bound_form(self, spec: dict, data: Any) -> PostedRows:
        add_row = "add_row" in data
        return PostedRows(self.formset(spec, data=data, add_row=add_row), add_row=add_row)
