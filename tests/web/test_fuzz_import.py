"""Fuzzing the course zip reader: a sound zip with bytes overwritten, header fields rewritten or
cut short is read or refused with problems naming a member, never an exception (which would be
a 500 on the import page), and what is read is text PostgreSQL stores (no NUL).

The reader is fuzzed without a database (``instructors.ziparchive`` and
``lessons.services.read_content`` read files only); the import page with fewer examples.
"""

from __future__ import annotations

import io
import struct
import tempfile
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from fuzzing import fuzz_settings
from hypothesis import given
from hypothesis import strategies as st

from instructors import ziparchive
from lessons import lessonfile
from lessons import services as lesson_services

FUZZ = fuzz_settings(200)
LESSON = lessonfile.serialise_lesson(lessonfile.LessonFile(title="One", slug="one", body="Hi.\n"))


def _sound_zip(method: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        archive.writestr("c/course.yaml", "title: C\norder: 3\n")
        archive.writestr("c/01-one.md", LESSON)
        archive.writestr("c/02-two.md", LESSON.replace("one", "two"))
    return out.getvalue()


SOUND = [_sound_zip(zipfile.ZIP_STORED), _sound_zip(zipfile.ZIP_DEFLATED)]

# (offset, value) pairs: a byte anywhere, or a 16/32-bit field set to an edge value.
EDITS = st.lists(
    st.tuples(
        st.integers(0, 10_000),
        st.sampled_from(["byte", "u16", "u32"]),
        st.sampled_from([0, 1, 0x7F, 0xFF, 0xFFFF, 0xFFFFFFFF, 99, 2**31]),
    ),
    min_size=1,
    max_size=6,
)


def _mutate(data: bytes, edits, cut: int | None) -> bytes:
    out = bytearray(data)
    for offset, kind, value in edits:
        offset %= len(out)
        if kind == "byte":
            out[offset] = value & 0xFF
        elif kind == "u16" and offset + 2 <= len(out):
            struct.pack_into("<H", out, offset, value & 0xFFFF)
        elif kind == "u32" and offset + 4 <= len(out):
            struct.pack_into("<I", out, offset, value & 0xFFFFFFFF)
    return bytes(out[:cut]) if cut is not None else bytes(out)


@FUZZ
@given(base=st.sampled_from(SOUND), edits=EDITS, cut=st.none() | st.integers(0, 600))
def test_a_damaged_zip_is_read_or_refused_with_reasons(base, edits, cut):
    data = _mutate(base, edits, cut)
    try:
        unpacked = ziparchive.read_members("fuzz.zip", data)
    except ziparchive.ZipProblems as exc:
        assert exc.problems and all(isinstance(p, str) and p for p in exc.problems)
        return
    assert all("\x00" not in text for text in unpacked.files.values())
    with tempfile.TemporaryDirectory() as tmp:
        try:
            ziparchive.write_tree("fuzz.zip", unpacked, Path(tmp))
        except ziparchive.ZipProblems:
            return
        report = lesson_services.LoadReport()
        lesson_services.read_content(roots=[Path(tmp)], report=report)  # never raises


@pytest.mark.django_db
@fuzz_settings(40, fixtures=True)
@given(base=st.sampled_from(SOUND), edits=EDITS, cut=st.none() | st.integers(0, 600))
def test_the_import_page_answers_a_damaged_zip_without_an_error(
    instructor_client, base, edits, cut
):
    upload = SimpleUploadedFile("fuzz.zip", _mutate(base, edits, cut))
    response = instructor_client.post(reverse("instructors:import"), {"file": upload})
    assert response.status_code in (200, 302)
