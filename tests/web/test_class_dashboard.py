"""A class's dashboard on its page: the "Class progress" table (a row per member, a cell per
lesson in words and an icon), the "Misconceptions" heat map (learners per lesson and cause, each
number linking to the failed checks behind it), who is stuck, and CSV exports with the page's
numbers. Another instructor gets 404 on all of it; the page's queries do not grow with the
class."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from class_data import attempt as _attempt
from class_data import progress as _progress
from class_data import user as _user
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from exercise_specs import make_course, make_lesson

from instructors import dashboard
from instructors import services as instructor_services
from lessons.models import ProgressStatus
from lessons.services import grading

pytestmark = pytest.mark.django_db


# -- the class and its work ------------------------------------------------------------------------


def _cause_url(class_pk: int, lesson_pk: int, cause: str) -> str:
    url = reverse("instructors:class_cause", args=[class_pk, lesson_pk])
    return f"{url}?{urlencode({'cause': cause})}"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(instructor, learner, other_learner, django_user_model):
    """A class of three: ada passed "Routing" and tries "Quiz"; grace failed "Routing" six
    times (no-route, then no-return-route); carol joined and did nothing. dave, outside the
    class, failed "Routing" too."""
    course = make_course()
    routing = make_lesson("terminal", slug="routing", course=course, title="Routing")
    quiz = make_lesson("quiz", slug="quiz", course=course, title="Quiz")
    classroom = instructor_services.create_classroom(
        instructor=instructor, course=course, name="Monday"
    )
    carol = _user(django_user_model, "carol")
    dave = _user(django_user_model, "dave")
    for member in (learner, other_learner, carol):
        instructor_services.join_classroom(learner=member, classroom=classroom)

    _progress(learner, routing, ProgressStatus.COMPLETED, best=100, checks=2)
    _attempt(learner, routing, "no-route")
    _attempt(learner, routing, passed=True, score=100)
    _progress(learner, quiz, ProgressStatus.IN_PROGRESS, best=50, checks=2)
    _attempt(learner, quiz, "wrong-answer", score=50)
    _attempt(learner, quiz, "wrong-answer", "unanswered", score=50)

    _progress(other_learner, routing, ProgressStatus.IN_PROGRESS, checks=6)
    for _ in range(3):
        _attempt(other_learner, routing, "no-route")
    for _ in range(3):
        _attempt(other_learner, routing, "no-return-route", "no-route")

    _progress(dave, routing, ProgressStatus.IN_PROGRESS, checks=1)
    _attempt(dave, routing, "no-route", "forwarding-off")
    return {
        "course": course,
        "routing": routing,
        "quiz": quiz,
        "classroom": classroom,
        "carol": carol,
        "dave": dave,
        "url": reverse("instructors:class", args=[classroom.pk]),
    }


class _Tables(HTMLParser):
    """Each table's rows (lists of cell texts) by its aria-label, and each cell's link."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.links: dict[str, list[list[str | None]]] = {}
        self._name = None
        self._cell = None
        self._href = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._name = attrs.get("aria-label")
            self.tables[self._name] = []
            self.links[self._name] = []
        elif tag == "tr" and self._name:
            self.tables[self._name].append([])
            self.links[self._name].append([])
        elif tag in ("td", "th") and self._name:
            self._cell, self._href = [], None
        elif tag == "a" and self._cell is not None:
            self._href = attrs.get("href")

    def handle_endtag(self, tag):
        if tag == "table":
            self._name = None
        elif tag in ("td", "th") and self._cell is not None:
            self.tables[self._name][-1].append(" ".join("".join(self._cell).split()))
            self.links[self._name][-1].append(self._href)
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _tables(response) -> _Tables:
    assert response.status_code == 200
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser


# -- class progress --------------------------------------------------------------------------------


def test_class_progress_has_a_row_per_member_and_a_cell_per_lesson_in_words(
    instructor_client, world
):
    tables = _tables(instructor_client.get(world["url"]))
    rows = tables.tables["Class progress"]
    assert rows[0] == ["Learner", "Passed", "Routing", "Quiz"]
    by_learner = {row[0]: row[1:] for row in rows[1:]}
    assert set(by_learner) == {"ada", "grace", "carol"}  # dave is not in the class
    assert by_learner["ada"][1:] == ["✓ passed 100%", "◐ in progress, 2 checks, best 50%"]
    assert by_learner["ada"][0].startswith("1 of 2")
    assert by_learner["grace"][1:] == ["◐ in progress, 6 checks, best 0%", "– not started"]
    assert by_learner["carol"] == ["0 of 2", "– not started", "– not started"]


def test_the_progress_table_scrolls_in_a_labelled_focusable_region(instructor_client, world):
    html = instructor_client.get(world["url"]).content.decode()
    region = html[html.index('class="dash-scroll"') - 5 : html.index('aria-label="Class progress"')]
    assert 'role="region"' in region and 'tabindex="0"' in region
    assert 'aria-label="Class progress, scrollable"' in region
    # Status is never colour alone: the icon is decoration, the words are read.
    assert '<span class="dash-icon" aria-hidden="true">✓</span>' in html
    assert "css/dashboard.css" in html


def test_a_class_without_members_says_how_to_fill_it(instructor, instructor_client):
    classroom = instructor_services.create_classroom(
        instructor=instructor, course=make_course(), name="Empty"
    )
    html = instructor_client.get(reverse("instructors:class", args=[classroom.pk])).content
    assert b"Nobody has joined yet" in html and b"No failed checks in this class yet" in html


@pytest.mark.parametrize("size", [1, 30])
def test_the_class_page_runs_a_fixed_number_of_queries(
    instructor, instructor_client, django_user_model, django_assert_max_num_queries, size
):
    course = make_course()
    lessons = [
        make_lesson("terminal", slug=f"l{n}", course=course, title=f"L{n}") for n in range(4)
    ]
    classroom = instructor_services.create_classroom(
        instructor=instructor, course=course, name="Big"
    )
    for n in range(size):
        member = _user(django_user_model, f"learner{n:02d}")
        instructor_services.join_classroom(learner=member, classroom=classroom)
        for lesson in lessons[: n % 4]:
            _progress(member, lesson, ProgressStatus.IN_PROGRESS, checks=2)
            _attempt(member, lesson, "no-route", "no-return-route")
    with django_assert_max_num_queries(10):
        response = instructor_client.get(reverse("instructors:class", args=[classroom.pk]))
    assert response.status_code == 200
    assert len(_tables(response).tables["Class progress"]) == size + 1


# -- misconceptions --------------------------------------------------------------------------------


def test_the_heat_map_counts_the_class_learners_per_lesson_and_cause(instructor_client, world):
    tables = _tables(instructor_client.get(world["url"]))
    rows = tables.tables["Misconceptions"]
    header = rows[0]
    assert header[0] == "Lesson"
    # Columns: causes hit by the class, most learners first; dave's forwarding-off is not there.
    codes = [cell.split()[-1] for cell in header[1:]]
    assert codes == ["no-route", "no-return-route", "unanswered", "wrong-answer"]
    assert header[1] == "A host has no route to the destination no-route"
    numbers = {row[0]: [cell.split()[0] for cell in row[1:]] for row in rows[1:]}
    assert numbers == {"Routing": ["2", "1", "0", "0"], "Quiz": ["0", "0", "1", "1"]}


def test_the_heat_level_follows_the_share_of_the_class(instructor_client, world):
    """grace and ada (2 of 3) hit no-route in Routing; grace alone no-return-route."""
    html = instructor_client.get(world["url"]).content.decode()
    routing = html[html.index('<th scope="row" class="dash-learner">Routing</th>') :]
    routing = routing[: routing.index("</tr>")]
    levels = [part.split('"')[0] for part in routing.split('class="heat heat-')[1:]]
    assert levels == ["3", "2", "0", "0"]


def test_each_non_zero_cell_links_to_the_failed_checks_behind_it(instructor_client, world):
    tables = _tables(instructor_client.get(world["url"]))
    links = tables.links["Misconceptions"]
    routing = world["routing"]
    expected = _cause_url(world["classroom"].pk, routing.pk, "no-route")
    assert links[1][1] == expected
    assert links[1][3] is None  # a zero is not a link
    page = instructor_client.get(expected)
    html = page.content.decode()
    assert page.status_code == 200
    assert "A host has no route to the destination" in html
    # grace's six failed checks and ada's one, with the goal and the message; not dave's.
    assert html.count("grace hit no-route") == 6 and html.count("ada hit no-route") == 1
    assert "dave" not in html
    assert "Goal 0 of routing" in html and "Goal 1 of routing" in html
    assert "2 learners" in html


def test_a_cause_nobody_hit_lists_nothing(instructor_client, world):
    url = _cause_url(world["classroom"].pk, world["quiz"].pk, "no-route")
    response = instructor_client.get(url)
    assert response.status_code == 200 and b"No failed check" in response.content


def test_any_stored_cause_gets_a_working_link(instructor_client, world, learner):
    """Codes are the simulator's slugs, but stored JSON is data: a result without a cause (older
    attempts) counts as "unknown", and an odd code still links to its checks."""
    quiz = world["quiz"]
    _attempt(learner, quiz, "odd/code & more")
    stored = _attempt(learner, quiz, "x")
    stored.results = [{"label": "Q1", "passed": False, "message": "no cause here"}, "junk"]
    stored.save()
    tables = _tables(instructor_client.get(world["url"]))
    header = tables.tables["Misconceptions"][0]
    assert "odd/code & more" in " ".join(header) and "No cause was recorded unknown" in header
    quiz_row = next(i for i, row in enumerate(tables.tables["Misconceptions"]) if row[0] == "Quiz")
    hrefs = [h for h in tables.links["Misconceptions"][quiz_row] if h]
    pages = [instructor_client.get(href).content.decode() for href in hrefs]
    assert any("no cause here" in page for page in pages)
    assert any("ada hit odd/code &amp; more" in page for page in pages)


def test_real_grading_causes_reach_the_heat_map(instructor, instructor_client, learner):
    """Through the grader: a learner who checks the routing lesson without doing anything."""
    lesson = make_lesson("terminal", slug="routing", course=make_course(), title="Routing")
    classroom = instructor_services.create_classroom(
        instructor=instructor, course=lesson.course, name="Monday"
    )
    instructor_services.join_classroom(learner=learner, classroom=classroom)
    attempt = grading.attempt_grade(learner=learner, exercise=lesson.exercise)
    causes = {r["cause"] for r in attempt.results if not r["passed"]}
    assert causes
    rows = _tables(instructor_client.get(reverse("instructors:class", args=[classroom.pk])))
    header = rows.tables["Misconceptions"][0]
    assert {cell.split()[-1] for cell in header[1:]} == causes


# -- stuck learners --------------------------------------------------------------------------------


def _stuck_list(html: str) -> str:
    start = html.index('aria-label="Stuck learners"')
    return html[start : html.index("</ul>", start)]


def test_learners_with_many_failed_checks_are_listed_with_the_lesson_and_cause(
    instructor_client, world
):
    stuck = _stuck_list(instructor_client.get(world["url"]).content.decode())
    assert "grace</a>:" in stuck
    assert "6 failed checks on “Routing” without passing" in " ".join(stuck.split())
    assert "most often: A host has no route to the destination" in stuck
    assert "ada</a>" not in stuck  # two checks on the quiz, active today


def test_the_stuck_list_stays_short_and_counts_the_rest(
    instructor, instructor_client, django_user_model
):
    lesson = make_lesson("terminal", slug="routing", course=make_course(), title="Routing")
    classroom = instructor_services.create_classroom(
        instructor=instructor, course=lesson.course, name="Monday"
    )
    for n in range(dashboard.STUCK_SHOWN + 2):
        member = _user(django_user_model, f"learner{n:02d}")
        instructor_services.join_classroom(learner=member, classroom=classroom)
        # The more checks, the higher in the list.
        checks = dashboard.STUCK_FAILED_CHECKS + n
        _progress(member, lesson, ProgressStatus.IN_PROGRESS, checks=checks)
    html = instructor_client.get(reverse("instructors:class", args=[classroom.pk])).content.decode()
    stuck = _stuck_list(html)
    assert stuck.count("<li") == dashboard.STUCK_SHOWN
    assert stuck.index("learner11<") < stuck.index("learner10<")
    assert "learner00<" not in stuck and "learner01<" not in stuck
    assert "And 2 more" in html


def test_learners_without_progress_for_days_are_listed_with_what_comes_next(
    instructor, instructor_client, learner, other_learner, django_user_model
):
    course = make_course()
    routing = make_lesson("terminal", slug="routing", course=course, title="Routing")
    quiz = make_lesson("quiz", slug="quiz", course=course, title="Quiz")
    classroom = instructor_services.create_classroom(
        instructor=instructor, course=course, name="Monday"
    )
    finished = _user(django_user_model, "finished")
    for member in (learner, other_learner, finished):
        instructor_services.join_classroom(learner=member, classroom=classroom)
    # ada passed Routing twelve days ago and stopped; "finished" passed both long ago.
    _progress(learner, routing, ProgressStatus.COMPLETED, best=100, ago=timedelta(days=12))
    for lesson in (routing, quiz):
        _progress(finished, lesson, ProgressStatus.COMPLETED, best=100, ago=timedelta(days=30))
    board = dashboard.class_dashboard(classroom=classroom)
    assert [(s.learner.username, s.reason, s.lesson, s.idle_days) for s in board.stuck] == [
        ("ada", "idle", quiz, 12)
    ]
    html = " ".join(
        instructor_client.get(reverse("instructors:class", args=[classroom.pk]))
        .content.decode()
        .split()
    )
    assert "ada</a>: no activity for 12 days; next: “Quiz”" in html
    # grace joined today and has not started: not stuck yet.
    assert "grace</a>: no activity" not in html


def test_a_member_who_joined_long_ago_and_never_started_is_stuck(
    instructor, learner, django_user_model
):
    lesson = make_lesson("terminal", slug="routing", course=make_course(), title="Routing")
    classroom = instructor_services.create_classroom(
        instructor=instructor, course=lesson.course, name="Monday"
    )
    instructor_services.join_classroom(learner=learner, classroom=classroom)
    later = timezone.now() + timedelta(days=dashboard.STUCK_IDLE_DAYS)
    board = dashboard.class_dashboard(classroom=classroom, now=later)
    assert [(s.learner, s.reason, s.lesson) for s in board.stuck] == [(learner, "idle", lesson)]


# -- CSV -------------------------------------------------------------------------------------------


def test_the_progress_csv_has_the_numbers_of_the_page(instructor_client, world):
    page = _tables(instructor_client.get(world["url"])).tables["Class progress"]
    url = reverse("instructors:class_progress_csv", args=[world["classroom"].pk])
    response = instructor_client.get(url)
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    words = {"completed": "passed", "in_progress": "in progress", "not_started": "not started"}
    on_page = {}
    for learner, passed, *cells in page[1:]:
        on_page[learner] = [passed.split()[0]]
        for cell in cells:
            on_page[learner].append(" ".join(cell.split()[1:]))
    in_csv = {}
    for row in rows:
        in_csv[row["learner"]] = [row["completed"]]
        for slug in ("routing", "quiz"):
            status, score, checks = (row[f"{slug} {k}"] for k in ("status", "score", "checks"))
            text = words[status]
            if status == "completed":
                text += f" {score}%"
            elif status == "in_progress":
                text += f", {checks} checks, best {score}%"
            in_csv[row["learner"]].append(text)
    assert in_csv == on_page and len(in_csv) == 3


def test_the_misconceptions_csv_has_the_numbers_of_the_heat_map(instructor_client, world):
    page = _tables(instructor_client.get(world["url"])).tables["Misconceptions"]
    url = reverse("instructors:class_misconceptions_csv", args=[world["classroom"].pk])
    rows = list(csv.reader(io.StringIO(instructor_client.get(url).content.decode())))
    assert rows[0][1:] == [cell.split()[-1] for cell in page[0][1:]]
    slugs = {"Routing": "routing", "Quiz": "quiz"}
    assert rows[1:] == [[slugs[r[0]], *(c.split()[0] for c in r[1:])] for r in page[1:]]


def test_csv_cells_a_spreadsheet_would_run_are_quoted(instructor, instructor_client, db):
    from django.contrib.auth import get_user_model

    lesson = make_lesson("terminal", slug="routing", course=make_course(), title="Routing")
    classroom = instructor_services.create_classroom(
        instructor=instructor, course=lesson.course, name="Monday"
    )
    evil = get_user_model().objects.create_user("=cmd")
    instructor_services.join_classroom(learner=evil, classroom=classroom)
    url = reverse("instructors:class_progress_csv", args=[classroom.pk])
    assert "\n'=cmd," in instructor_client.get(url).content.decode()


# -- who sees it -----------------------------------------------------------------------------------


def test_another_instructor_gets_404_on_the_dashboard_its_links_and_csv(world, django_user_model):
    stranger = _client(_user(django_user_model, "stranger", instructor=True))
    pk = world["classroom"].pk
    urls = [
        world["url"],
        _cause_url(pk, world["routing"].pk, "no-route"),
        reverse("instructors:class_progress_csv", args=[pk]),
        reverse("instructors:class_misconceptions_csv", args=[pk]),
    ]
    for url in urls:
        assert stranger.get(url).status_code == 404, url


def test_a_co_instructor_sees_the_dashboard(instructor, world, django_user_model):
    co = _user(django_user_model, "co", instructor=True)
    world["classroom"].co_instructors.add(co)
    response = _client(co).get(world["url"])
    assert "Class progress" in _tables(response).tables


def test_a_lesson_of_another_course_is_404_on_the_cause_page(instructor_client, world):
    elsewhere = make_lesson("terminal", slug="other", course=make_course("other"))
    url = _cause_url(world["classroom"].pk, elsewhere.pk, "no-route")
    assert instructor_client.get(url).status_code == 404


def test_learners_cannot_open_the_dashboard_views(learner_client, world):
    pk = world["classroom"].pk
    for url in (
        world["url"],
        _cause_url(pk, world["routing"].pk, "no-route"),
        reverse("instructors:class_progress_csv", args=[pk]),
        reverse("instructors:class_misconceptions_csv", args=[pk]),
    ):
        assert learner_client.get(url).status_code == 403, url


def test_the_dashboard_views_answer_only_get(instructor_client, world):
    pk = world["classroom"].pk
    url = reverse("instructors:class_progress_csv", args=[pk])
    assert instructor_client.post(url).status_code == 405
