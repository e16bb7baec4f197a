"""Unpacking an uploaded course zip, member by member, with a clear reason for each one refused.

A zip is untrusted input: its directory may lie about sizes, name a member twice, use a file as a
folder, carry names no file system accepts, encrypt or compress with a method Python cannot read,
or unpack a few kilobytes into gigabytes. Every check here runs before anything is written, and
every failure names the member and says why (``ZipProblems``), so an import never ends in a 500.

What is unpacked: ``course.yaml`` and ``.md`` files as UTF-8 text without NUL (PostgreSQL's text
columns refuse it), into a temporary folder that ``lessons.services.load_content`` then reads.
Members with an unsafe path (absolute, ``..``, hidden) and files of other kinds are skipped, and
the skipped ones are listed as warnings.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.utils.text import slugify

MAX_MEMBERS = 500  # entries in the zip's directory, folders included
MAX_TOTAL_BYTES = 20 * 1024 * 1024  # unpacked, all members together
MAX_MEMBER_BYTES = 2 * 1024 * 1024  # unpacked, one member (a lesson file is at most 256 KiB)
MAX_NAME_PART = 120  # characters of one file or folder name (a slug is at most 100)
MAX_PATH_DEPTH = 4
MAX_SHOWN_NAME = 80  # characters of a member's name quoted in a message
READABLE_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
TEXT_SUFFIXES = (".md", ".yaml")
# What zipfile raises on damaged input besides BadZipFile (found by tests/web/test_fuzz_import.py:
# an unknown "version needed", a header cut short, a broken deflate stream...).
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    struct.error,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
    RuntimeError,
)


class ZipProblems(Exception):
    """The zip cannot be imported; ``problems`` are sentences naming the member."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass
class Unpacked:
    files: dict[tuple[str, ...], str] = field(default_factory=dict)  # path parts -> text
    skipped: list[str] = field(default_factory=list)  # warnings: what was left out and why


def shown(name: str) -> str:
    """A member's name as a message quotes it: printable, and shortened when very long."""
    text = "".join(ch if ch.isprintable() else "?" for ch in name)
    if len(text) > MAX_SHOWN_NAME:
        text = f"{text[: MAX_SHOWN_NAME - 1]}… ({len(name)} characters)"
    return f"“{text}”"


def open_zip(name: str, data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except ZIP_ERRORS as exc:
        raise ZipProblems([f"{name}: not a zip file ({exc})"]) from None
    count = len(archive.infolist())
    if count > MAX_MEMBERS:
        raise ZipProblems([f"{name}: {count:,} entries; a course zip holds at most {MAX_MEMBERS}"])
    return archive


def _path_problem(info: zipfile.ZipInfo) -> str | None:
    """Why this member's name is refused outright (None when it may be read)."""
    parts = PurePosixPath(info.filename).parts
    too_long = next((p for p in parts if len(p.encode()) > MAX_NAME_PART), None)
    if too_long is not None:
        return (
            f"a file or folder name of {len(too_long)} characters; "
            f"at most {MAX_NAME_PART} are accepted"
        )
    if len(parts) > MAX_PATH_DEPTH:
        return f"nested {len(parts)} folders deep; a course zip is <course>/<file>"
    return None


def _is_unsafe(filename: str) -> bool:
    """A path that would leave the folder or that nobody meant to import."""
    parts = PurePosixPath(filename).parts
    return (
        not parts
        or filename.startswith("/")
        or "\\" in filename
        or any(p in ("", ".", "..") or p.startswith(".") for p in parts)
    )


def _member_problem(info: zipfile.ZipInfo) -> str | None:
    """Why this member cannot be unpacked, judged from the zip's directory alone."""
    if info.flag_bits & 0x1:
        return "it is encrypted (password-protected); export the course without a password"
    if info.compress_type not in READABLE_METHODS:
        return (
            f"it is compressed with method {info.compress_type}, which NetLearn cannot read; "
            "zip it again with the usual method (deflate)"
        )
    if info.file_size > MAX_MEMBER_BYTES:
        return (
            f"{info.file_size:,} bytes once unpacked; "
            f"a file in a course zip has at most {MAX_MEMBER_BYTES:,}"
        )
    return None


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The member's bytes, never more than it declares (plus one byte, to notice a lie)."""
    try:
        with archive.open(info) as stream:
            data = stream.read(info.file_size + 1)
    except zipfile.BadZipFile as exc:
        reason = "it is damaged: its CRC check failed" if "CRC" in str(exc) else f"{exc}"
        raise ValueError(reason) from None
    except ZIP_ERRORS as exc:
        raise ValueError(f"it cannot be unpacked ({exc})") from None
    if len(data) != info.file_size:
        raise ValueError(
            f"its size does not match the zip's directory (declared {info.file_size:,} bytes, "
            f"holds {len(data):,}{' or more' if len(data) > info.file_size else ''})"
        )
    return data


def _text(data: bytes) -> str:
    if b"\x00" in data:
        raise ValueError("it contains NUL bytes: a lesson file is UTF-8 text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"it is not UTF-8 text (byte {exc.start})") from None


def _folder_clashes(paths: list[tuple[str, ...]], folders: set[tuple[str, ...]]) -> list[str]:
    """Names used both as a file and as a folder (``c/a.md`` and ``c/a.md/x``)."""
    files = set(paths)
    problems = []
    for path in paths:
        for depth in range(1, len(path)):
            if path[:depth] in files:
                joined = "/".join(path[:depth])
                problems.append(f"{shown(joined)}: is both a file and a folder in this zip")
    for folder in sorted(folders & files):
        problems.append(f"{shown('/'.join(folder))}: is both a file and a folder in this zip")
    return sorted(set(problems))


def read_members(name: str, data: bytes) -> Unpacked:
    """Every lesson and course file of the zip as text, keyed by its path's parts; raises
    ``ZipProblems`` listing every member that cannot be read, and why."""
    archive = open_zip(name, data)
    result, problems = Unpacked(), []
    wanted: list[zipfile.ZipInfo] = []
    folders: set[tuple[str, ...]] = set()
    seen: set[str] = set()
    for info in archive.infolist():
        label = shown(info.filename)
        if not info.filename:
            problems.append(f"{name}: an entry has no name (the zip is damaged)")
        elif (problem := _path_problem(info)) is not None:
            problems.append(f"{label}: {problem}")
        elif info.filename in seen:
            problems.append(f"{label}: appears twice in this zip")
        elif info.is_dir():
            folders.add(PurePosixPath(info.filename).parts)
        elif _is_unsafe(info.filename):
            result.skipped.append(f"{label}: skipped (a path outside the course folder)")
        elif not info.filename.endswith(TEXT_SUFFIXES):
            result.skipped.append(f"{label}: skipped (not a lesson file or course.yaml)")
        elif (problem := _member_problem(info)) is not None:
            problems.append(f"{label}: {problem}")
        else:
            wanted.append(info)
        seen.add(info.filename)
    total = sum(info.file_size for info in wanted)
    if total > MAX_TOTAL_BYTES:
        problems.append(
            f"{name}: {total:,} bytes once unpacked; a course zip has at most {MAX_TOTAL_BYTES:,}"
        )
    problems += _folder_clashes([PurePosixPath(i.filename).parts for i in wanted], folders)
    if problems:
        raise ZipProblems(problems)
    for info in wanted:
        try:
            text = _text(_read(archive, info))
        except ValueError as exc:
            problems.append(f"{shown(info.filename)}: {exc}")
            continue
        result.files[PurePosixPath(info.filename).parts] = text
    if problems:
        raise ZipProblems(problems)
    return result


def write_tree(name: str, unpacked: Unpacked, root: Path) -> None:
    """Write the files under ``root`` as course folders. A zip whose ``course.yaml`` sits at its
    root is one course named after the zip file."""
    flat = ("course.yaml",) in unpacked.files
    prefix = (slugify(PurePosixPath(name).stem)[:100] or "course",) if flat else ()
    for parts, text in unpacked.files.items():
        target = root.joinpath(*prefix, *parts)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        except OSError as exc:  # checked above; a file system may still refuse a name
            raise ZipProblems([f"{shown('/'.join(parts))}: cannot be unpacked ({exc})"]) from None
