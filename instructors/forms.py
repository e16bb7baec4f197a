"""Forms of the authoring pages: they parse and normalise; the simulator's verdict on an exercise
comes from services/selectors (an invalid exercise may be saved as a draft, not published)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.text import slugify

from instructors import yamltext
from lessons import lessonfile
from lessons.models import Course
from netlearn.validators import StorableTextMixin, unstorable_path

# Bytes of one uploaded lesson file or course zip: UPLOAD_MAX_MB, which nginx's
# client_max_body_size follows too (deploy/nginx.conf.template).
MAX_UPLOAD = settings.UPLOAD_MAX_MB * 1024 * 1024


class CourseForm(StorableTextMixin, forms.ModelForm):
    class Meta:
        model = Course
        fields = ["title", "slug", "description", "order", "published"]
        help_texts = {"slug": "Lower-case letters, digits and dashes; used in the course's URLs."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["order"].required = False

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug") or slugify(self.data.get("title", ""))[:100]
        if not lessonfile.SLUG.match(slug or ""):
            raise forms.ValidationError("Use lower-case letters, digits and dashes.")
        clash = Course.objects.filter(slug=slug).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("Another course already uses this slug.")
        return slug

    def clean_order(self) -> int:
        order = self.cleaned_data.get("order")
        if order is None:
            last = Course.objects.order_by("-order").values_list("order", flat=True).first()
            return (last or 0) + 1
        return order


class LessonForm(StorableTextMixin, forms.Form):
    """The lesson editor: the fields of a lesson file. ``exercise`` is cleaned to the parsed
    mapping (or None when blank); a YAML error names its line."""

    title = forms.CharField(label="Title", max_length=lessonfile.MAX_TITLE)
    course = forms.ModelChoiceField(label="Course", queryset=Course.objects.all(), empty_label=None)
    slug = forms.CharField(
        label="Slug",
        max_length=100,
        required=False,
        help_text="Optional: made from the title. Part of the lesson's address.",
    )
    body = forms.CharField(
        label="Content",
        required=False,
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "true"}),
        help_text="Markdown. Preview shows it exactly as learners will see it.",
    )
    exercise = forms.CharField(
        label="Exercise",
        required=False,
        strip=False,
        widget=forms.Textarea(
            attrs={
                "rows": 20,
                "spellcheck": "false",
                "autocapitalize": "none",
                "class": "font-monospace",
            }
        ),
        help_text="YAML: the lesson file's exercise mapping (kind, prompt, scenario, goals, "
        "solution, hints). Leave blank for a lesson without an exercise.",
    )
    published = forms.BooleanField(label="Published", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Fields over their size limit: never saved, not even as a draft (the view re-renders
        # the form with the text so nothing typed is lost).
        self.oversized: set[str] = set()

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug") or slugify(self.data.get("title", ""))[:100]
        if not lessonfile.SLUG.match(slug or ""):
            raise forms.ValidationError("Use lower-case letters, digits and dashes.")
        return slug

    def clean_body(self) -> str:
        body = self.cleaned_data.get("body") or ""
        self._check_size("body", body, size_error("content", body, lessonfile.MAX_MARKDOWN))
        return body

    def clean_exercise(self) -> dict | None:
        text = self.cleaned_data.get("exercise") or ""
        self._check_size(
            "exercise", text, size_error("exercise", text, lessonfile.MAX_EXERCISE_YAML)
        )
        if not text.strip():
            return None
        try:
            data = yamltext.load(text)
        except yamltext.YamlSyntaxError as exc:
            where = f"line {exc.line}, column {exc.column}: " if exc.line else ""
            raise forms.ValidationError(where + exc.message) from None
        if data is not None and not isinstance(data, dict):
            raise forms.ValidationError("The exercise must be a mapping (kind, prompt, ...).")
        if (path := unstorable_path(data)) is not None:
            # An escape such as "\0" or "\ud800" in a quoted string: the text can be kept as a
            # draft, the parsed exercise can't be stored.
            raise forms.ValidationError(
                f"{path}: a quoted string here makes a NUL character or a broken character "
                "(from an escape such as \\0 or \\ud800), which can't be saved. Remove it."
            )
        return data

    def clean(self) -> dict:
        data = super().clean()
        # Text PostgreSQL can't store is never saved, not even as a draft: fatal, like text over
        # its size limit (the view re-renders the form with the message beside the field).
        self.oversized |= {
            name for name in ("body", "exercise") if self.has_error(name, code="unstorable")
        }
        return data

    def _check_size(self, name: str, text: str, error: str | None) -> None:
        if error is not None:
            self.oversized.add(name)
            raise forms.ValidationError(error, code="max_length")


def size_error(what: str, text: str, limit: int) -> str | None:
    """The message for a text over its limit (None when it fits), in characters and KiB."""
    if len(text) <= limit:
        return None
    return (
        f"The {what} is too long: {len(text):,} characters, and at most {limit:,} "
        f"({limit // 1024} KiB) are accepted. Shorten it or split the lesson in two."
    )


class ImportForm(StorableTextMixin, forms.Form):
    file = forms.FileField(
        label="Lesson file or course zip",
        help_text="A lesson file (.md, with its front matter) or a course as a .zip "
        "(<course>/course.yaml and <course>/NN-slug.md files, as Export writes it).",
    )
    course = forms.ModelChoiceField(
        label="Course",
        queryset=Course.objects.all(),
        required=False,
        help_text="For a lesson file: the course it goes into.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(f"At most {MAX_UPLOAD // (1024 * 1024)} MB.")
        if not upload.name.lower().endswith((".md", ".zip")):
            raise forms.ValidationError("Upload a lesson file (.md) or a course (.zip).")
        return upload

    def clean(self) -> dict:
        data = super().clean()
        upload = data.get("file")
        if upload is not None and upload.name.lower().endswith(".md") and not data.get("course"):
            self.add_error("course", "Choose the course this lesson goes into.")
        return data


class ClassroomForm(StorableTextMixin, forms.Form):
    name = forms.CharField(label="Class name", max_length=200)
    course = forms.ModelChoiceField(label="Course", queryset=Course.objects.all(), empty_label=None)


def normalise_join_code(text: str) -> str:
    """A join code as stored: upper case, without the dashes and spaces people type to group
    its characters ("abcd-efgh", "ABCD EFGH" -> "ABCDEFGH")."""
    return "".join(ch for ch in text if ch.isascii() and ch.isalnum()).upper()


class JoinForm(StorableTextMixin, forms.Form):
    # Room for a code typed in groups with dashes and spaces; stored codes are 8 characters.
    code = forms.CharField(label="Join code", max_length=32)

    def clean_code(self) -> str:
        code = normalise_join_code(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError("Type the letters and digits of the join code.")
        return code


class UsernameForm(forms.Form):
    """An instructor to invite (a course's editor, a class's co-instructor), by username."""

    username = forms.CharField(label="Username", max_length=150)

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip()
