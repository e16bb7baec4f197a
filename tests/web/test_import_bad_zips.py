"""Every malformed course zip or lesson file gets a clear message naming the member and the
reason, never a 500, and nothing is imported. Each bad zip is built here, byte by byte where
Python's zipfile would not write it."""

from __future__ import annotations

import html
import io
import struct
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from exercise_specs import make_course

from instructors import ziparchive
from lessons import lessonfile
from lessons.models import Course, Lesson

pytestmark = pytest.mark.django_db

IMPORT = reverse("instructors:import")
LESSON = lessonfile.serialise_lesson(lessonfile.LessonFile(title="One", slug="one", body="Hi.\n"))


def _zip(files: dict[str, bytes | str], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def _course(**extra: bytes | str) -> dict[str, bytes | str]:
    return {"c/course.yaml": "title: C\n", "c/01-one.md": LESSON, **extra}


# Offsets of the fields of a zip's local file header (PK\3\4) and central directory entry (PK\1\2)
LOCAL = {"flags": 6, "method": 8, "crc": 14, "size": 22, "name_length": 26, "name": 30}
CENTRAL = {"flags": 8, "method": 10, "crc": 16, "size": 24, "name_length": 28, "name": 46}
FORMATS = {"flags": "<H", "method": "<H", "crc": "<I", "size": "<I"}


def _patch(data: bytes, member: str, **fields: int) -> bytes:
    """The zip with ``fields`` of ``member`` rewritten in both of its headers."""
    out = bytearray(data)
    name = member.encode()
    for signature, offsets in ((b"PK\x03\x04", LOCAL), (b"PK\x01\x02", CENTRAL)):
        start = 0
        while (start := out.find(signature, start)) != -1:
            (length,) = struct.unpack_from("<H", out, start + offsets["name_length"])
            if out[start + offsets["name"] : start + offsets["name"] + length] == name:
                for field, value in fields.items():
                    struct.pack_into(FORMATS[field], out, start + offsets[field], value)
            start += 4
    return bytes(out)


def _post(client, data: bytes, name: str = "course.zip"):
    response = client.post(IMPORT, {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 200, response.status_code
    page = html.unescape(response.content.decode())
    assert "Nothing was imported" in page
    assert not Course.objects.exists() and not Lesson.objects.exists()
    return page


def test_a_sound_zip_still_imports(instructor_client):
    response = instructor_client.post(
        IMPORT, {"file": SimpleUploadedFile("c.zip", _zip(_course()))}
    )
    assert response.status_code == 302 and Lesson.objects.get().slug == "one"


@pytest.mark.parametrize("order", [2**31, 2**63, 10**30])
def test_an_order_beyond_what_the_database_stores(instructor_client, order):
    page = _post(
        instructor_client, _zip(_course(**{"c/course.yaml": f"title: C\norder: {order}\n"}))
    )
    assert "c/course.yaml: order: must be at most 2,147,483,647" in page


def test_a_file_and_a_folder_of_the_same_name(instructor_client):
    page = _post(instructor_client, _zip(_course(**{"c/01-one.md/02-two.md": LESSON})))
    assert "“c/01-one.md”: is both a file and a folder in this zip" in page


def test_a_folder_entry_named_like_a_file(instructor_client):
    page = _post(instructor_client, _zip(_course(**{"c/01-one.md/": ""})))
    assert "“c/01-one.md”: is both a file and a folder in this zip" in page


def test_a_300_character_file_name(instructor_client):
    long_name = "c/01-" + "a" * 295 + ".md"
    page = _post(instructor_client, _zip(_course(**{long_name: LESSON})))
    assert "characters)”: a file or folder name of 301 characters; at most 120" in page


def test_an_unknown_compression_method(instructor_client):
    data = _patch(_zip(_course()), "c/01-one.md", method=99)
    page = _post(instructor_client, data)
    assert "“c/01-one.md”: it is compressed with method 99, which NetLearn cannot read" in page


def test_a_bad_crc(instructor_client):
    data = _patch(_zip(_course()), "c/01-one.md", crc=0x12345678)
    page = _post(instructor_client, data)
    assert "“c/01-one.md”: it is damaged: its CRC check failed" in page


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_a_wrong_declared_size(instructor_client, method):
    data = _patch(_zip(_course(), method), "c/01-one.md", size=len(LESSON) + 500)
    page = _post(instructor_client, data)
    assert "“c/01-one.md”: its size does not match the zip's directory (declared 533" in page


def test_an_encrypted_member(instructor_client):
    data = _patch(_zip(_course()), "c/01-one.md", flags=0x1)
    page = _post(instructor_client, data)
    assert "“c/01-one.md”: it is encrypted (password-protected)" in page


def test_nul_bytes_in_a_lesson_file(instructor_client):
    page = _post(instructor_client, _zip(_course(**{"c/02-two.md": LESSON + "a\x00b\n"})))
    assert "“c/02-two.md”: it contains NUL bytes" in page


def test_a_file_that_is_not_utf8(instructor_client):
    page = _post(instructor_client, _zip(_course(**{"c/course.yaml": b"title: \xff\xfe\n"})))
    assert "“c/course.yaml”: it is not UTF-8 text" in page


def test_too_many_members(instructor_client):
    files = {f"c/{n:03d}-l{n}.md": "" for n in range(ziparchive.MAX_MEMBERS + 1)}
    page = _post(instructor_client, _zip(files, zipfile.ZIP_STORED))
    assert "course.zip: 501 entries; a course zip holds at most 500" in page


def test_a_member_that_appears_twice(instructor_client):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in _course().items():
            archive.writestr(name, text)
        with pytest.warns(UserWarning, match="Duplicate name"):
            archive.writestr("c/01-one.md", LESSON)
    page = _post(instructor_client, out.getvalue())
    assert "“c/01-one.md”: appears twice in this zip" in page


def test_a_zip_bomb_is_refused_by_its_declared_size(instructor_client):
    bomb = b"\0" * (ziparchive.MAX_MEMBER_BYTES + 1)
    data = _zip(_course(**{"c/02-bomb.md": bomb}))
    assert len(data) < 20_000  # a few kilobytes that would unpack to megabytes
    page = _post(instructor_client, data)
    assert "“c/02-bomb.md”: 2,097,153 bytes once unpacked" in page


def test_a_zip_bomb_that_lies_about_its_size_is_read_no_further(instructor_client):
    data = _zip(_course(**{"c/02-bomb.md": b"x" * 5_000_000}))
    page = _post(instructor_client, _patch(data, "c/02-bomb.md", size=100))
    assert "“c/02-bomb.md”: it is damaged: its CRC check failed" in page


def test_many_members_together_too_large_once_unpacked(instructor_client):
    files = {f"c/{n:02d}-l{n}.md": b"x" * ziparchive.MAX_MEMBER_BYTES for n in range(11)}
    page = _post(instructor_client, _zip(files))
    assert "course.zip: 23,068,672 bytes once unpacked; a course zip has at most" in page


def test_not_a_zip_at_all(instructor_client):
    page = _post(instructor_client, b"PK\x03\x04 truncated")
    assert "course.zip: not a zip file" in page


def test_a_zip_without_a_course(instructor_client):
    page = _post(instructor_client, _zip({"notes/readme.md": "# hi\n"}))
    assert "course.zip: no course in this zip" in page


def test_unsafe_and_other_files_are_left_out_and_listed(instructor_client):
    files = _course(**{"../evil/course.yaml": "title: Evil\n", "c/picture.png": b"\x89PNG"})
    response = instructor_client.post(IMPORT, {"file": SimpleUploadedFile("c.zip", _zip(files))})
    page = html.unescape(instructor_client.get(response.url).content.decode())
    assert "“../evil/course.yaml”: skipped (a path outside the course folder)" in page
    assert "“c/picture.png”: skipped (not a lesson file or course.yaml)" in page
    assert list(Course.objects.values_list("slug", flat=True)) == ["c"]


# -- a single lesson file --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (LESSON.replace("Hi.", "H\x00i.").encode(), "01-one.md: it contains NUL bytes"),
        (b"---\ntitle: \xff\n---\n", "01-one.md: not UTF-8 text (byte 11)"),
    ],
)
def test_a_bad_lesson_file_says_why(instructor, instructor_client, data, message):
    course = make_course()
    course.owner = instructor
    course.save()
    upload = SimpleUploadedFile("01-one.md", data)
    response = instructor_client.post(IMPORT, {"file": upload, "course": course.pk})
    assert response.status_code == 200 and message in html.unescape(response.content.decode())
    assert not Lesson.objects.exists()
