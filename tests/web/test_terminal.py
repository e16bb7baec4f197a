"""Terminal commands: over htmx (output appended, diagram out of band) and as plain posts."""

from __future__ import annotations

import pytest
from django.urls import reverse
from learner_data import lesson

from lessons.models import Workspace

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def command_url(item) -> str:
    return reverse("lesson_command", args=[item.course.slug, item.slug])


def workspace(learner, item) -> Workspace:
    return Workspace.objects.get(learner=learner, exercise=item.exercise)


def test_a_command_over_htmx_appends_its_output_and_redraws_the_diagram(
    learner_client, learner, terminal
):
    response = learner_client.post(
        command_url(terminal), {"host": "A", "line": "ip addr add 10.1.1.1/24 dev eth0"}, **HX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(
        '<div class="terminal-entry" data-command="ip addr add 10.1.1.1/24 dev eth0">'
    )
    assert "root@A:~#" in html
    assert '<section id="diagram"' in html and 'hx-swap-oob="true"' in html
    assert "10.1.1.1/24" in html.split('id="diagram"')[1]
    assert workspace(learner, terminal).log[-1]["command"] == "ip addr add 10.1.1.1/24 dev eth0"


def test_a_command_that_changes_nothing_keeps_the_diagram_on_screen(
    learner_client, learner, terminal
):
    def send(line: str) -> str:
        post = {"host": "A", "line": line}
        return learner_client.post(command_url(terminal), post, **HX).content.decode()

    assert 'id="diagram"' not in send("ip addr")  # the network is as the page drew it
    assert 'id="diagram"' in send("ip link set eth0 down")
    assert 'id="diagram"' not in send("ip route")
    assert 'id="diagram"' in send("ping -c 1 192.165.1.1")  # its path is drawn
    html = send("ip addr")  # and taken away again
    assert 'id="diagram"' in html and "diagram-path" not in html.split('id="diagram"')[1]
    assert 'id="diagram"' not in send("ip addr")
    commands = [e["command"] for e in workspace(learner, terminal).log]
    assert commands.count("ip addr") == 3  # every command is stored either way


def test_output_is_escaped(learner_client, terminal):
    html = learner_client.post(
        command_url(terminal), {"host": "A", "line": "echo '<b>hi</b>'"}, **HX
    ).content.decode()
    assert "<b>hi</b>" not in html
    assert "&lt;b&gt;hi&lt;/b&gt;" in html


def test_without_javascript_a_command_redirects_back_to_the_terminal(
    learner_client, learner, terminal
):
    response = learner_client.post(command_url(terminal), {"host": "R", "line": "ip r"})
    assert response.status_code == 302
    assert response["Location"].endswith("?host=R#terminal-heading")
    page = learner_client.get(response["Location"]).content.decode()
    assert 'data-command="ip r"' in page and "root@R:~#" in page


def test_a_ping_draws_its_path_and_where_it_was_dropped(learner_client, learner, terminal):
    html = learner_client.post(
        command_url(terminal), {"host": "A", "line": "ping -c 1 192.165.2.10"}, **HX
    ).content.decode()
    assert "connect: Network is unreachable" in html
    assert 'class="drop"' in html
    assert (
        "Last ping to 192.165.2.10: Request A: dropped at A: A has no route to 192.165.2." in html
    )
    learner_client.post(
        command_url(terminal),
        {"host": "A", "line": "ip route add 192.165.2.0/24 via 192.165.1.1"},
        **HX,
    )
    html = learner_client.post(
        command_url(terminal), {"host": "A", "line": "ping -c 1 192.165.2.10"}, **HX
    ).content.decode()
    assert "Request A → R → C: delivered to C; Reply C → R → A: delivered to A" in html
    page = learner_client.get(
        reverse("lesson", args=[terminal.course.slug, terminal.slug])
    ).content.decode()
    assert 'class="path path-reply"' in page  # the path survives a reload


def test_clear_empties_the_log_for_good_and_keeps_the_network(learner_client, learner, terminal):
    learner_client.post(
        command_url(terminal), {"host": "A", "line": "ip addr add 10.1.1.1/24 dev eth0"}, **HX
    )
    response = learner_client.post(command_url(terminal), {"host": "A", "line": "clear"}, **HX)
    assert response.status_code == 200
    assert response["HX-Reswap"] == "innerHTML"
    assert response.content == b""
    page = learner_client.get(reverse("lesson", args=[terminal.course.slug, terminal.slug]))
    log_html = (
        page.content.decode().split('aria-label="Terminal output"', 1)[1].split("</div>", 1)[0]
    )
    assert "ip addr add 10.1.1.1/24" not in log_html
    kept = workspace(learner, terminal)
    state = kept.state
    # The history stays (a new version of the exercise replays it); only the screen is cleared.
    assert [e["command"] for e in kept.log] == ["ip addr add 10.1.1.1/24 dev eth0"]
    assert any(
        "10.1.1.1/24" in i["addresses"]
        for i in state["network"]["hosts"]["A"]["interfaces"].values()
    )


def test_an_unknown_host_is_refused_with_a_message(learner_client, terminal):
    html = learner_client.post(
        command_url(terminal), {"host": "Z", "line": "ip a"}, **HX
    ).content.decode()
    assert "There is no host named &#x27;Z&#x27; in this exercise." in html
    page = learner_client.post(command_url(terminal), {"host": "Z", "line": "ip a"})
    assert page.status_code == 200 and 'id="command-error"' in page.content.decode()


def test_commands_are_post_only_and_need_a_login(client, learner_client, terminal):
    assert learner_client.get(command_url(terminal)).status_code == 405
    learner_client.logout()
    response = client.post(command_url(terminal), {"host": "A", "line": "ip a"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_form_lesson_has_no_terminal(learner_client, course):
    item = lesson(course, "routing-table")
    assert learner_client.post(command_url(item), {"host": "A", "line": "ip a"}).status_code == 404


def test_each_learner_has_their_own_terminal(client, learner, other_learner, terminal):
    client.force_login(learner)
    client.post(
        command_url(terminal), {"host": "A", "line": "ip addr add 10.1.1.1/24 dev eth0"}, **HX
    )
    client.force_login(other_learner)
    client.post(command_url(terminal), {"host": "A", "line": "ip r"}, **HX)
    assert [e["command"] for e in workspace(other_learner, terminal).log] == ["ip r"]
    assert [e["command"] for e in workspace(learner, terminal).log] == [
        "ip addr add 10.1.1.1/24 dev eth0"
    ]


def test_a_command_runs_a_fixed_number_of_queries(
    learner_client, terminal, django_assert_max_num_queries
):
    post = {"host": "A", "line": "ping -c 1 192.165.1.1"}
    learner_client.post(command_url(terminal), post, **HX)
    # session, user, lesson with its course and exercise, the workspace locked (with its
    # version's number: the version is not looked up again) and saved, progress touched, the
    # ping's path kept under the lock (two savepoints: SQLite's tests run inside a transaction)
    with django_assert_max_num_queries(13):
        learner_client.post(command_url(terminal), post, **HX)
    for _ in range(20):
        learner_client.post(command_url(terminal), {"host": "A", "line": "ip r"}, **HX)
    with django_assert_max_num_queries(13):
        response = learner_client.post(command_url(terminal), post, **HX)
    assert "1 received" in response.content.decode()


def _statements(context) -> list[str]:
    """The queries a request sent, without the SAVEPOINT/RELEASE that its transaction.atomic()
    becomes inside the test's own transaction (in production: BEGIN and COMMIT, which Django
    does not count)."""
    return [q["sql"] for q in context.captured_queries if "SAVEPOINT" not in q["sql"]]


def test_a_command_runs_a_fixed_handful_of_queries(
    learner_client, terminal, django_assert_max_num_queries
):
    """session, user, lesson (with its course and exercise), the locked workspace, its last
    position, the new entry; and, when the command changed the network, the state's UPDATE."""
    for line in ("ip addr", "ip addr"):  # the workspace and the progress touch: then steady
        learner_client.post(command_url(terminal), {"host": "A", "line": line}, **HX)
    with django_assert_max_num_queries(6 + 2) as unchanged:
        response = learner_client.post(command_url(terminal), {"host": "A", "line": "ip r"}, **HX)
    assert response.status_code == 200
    assert len(_statements(unchanged)) == 6
    assert not any(sql.startswith("UPDATE") for sql in _statements(unchanged)), "no state write"
    fix = {"host": "A", "line": "ip route add 192.165.2.0/24 via 192.165.1.1"}
    with django_assert_max_num_queries(7 + 2) as changed:
        assert learner_client.post(command_url(terminal), fix, **HX).status_code == 200
    updates = [sql for sql in _statements(changed) if sql.startswith("UPDATE")]
    assert len(_statements(changed)) == 7
    assert len(updates) == 1 and "lessons_workspace" in updates[0]


def test_two_tabs_of_one_learner_see_each_others_commands(learner, terminal):
    from django.test import Client

    tabs = [Client(), Client()]
    for tab in tabs:
        tab.force_login(learner)
    add = {"host": "A", "line": "ip route add 10.9.0.0/16 via 192.165.1.1"}
    assert tabs[0].post(command_url(terminal), add, **HX).status_code == 200
    routes = tabs[1].post(command_url(terminal), {"host": "A", "line": "ip r"}, **HX)
    assert "10.9.0.0/16 via 192.165.1.1" in routes.content.decode()
    log = workspace(learner, terminal).log
    assert [e["command"] for e in log] == [add["line"], "ip r"]


def test_after_an_instructor_reset_the_next_command_runs_on_the_starting_network(
    learner_client, learner, instructor_client, instructor_edits_new_courses, terminal
):
    add = {"host": "A", "line": "ip route add 10.9.0.0/16 via 192.165.1.1"}
    learner_client.post(command_url(terminal), add, **HX)
    reset = reverse("instructors:learner_reset", args=[learner.pk, terminal.pk])
    assert instructor_client.post(reset).status_code == 302
    routes = learner_client.post(command_url(terminal), {"host": "A", "line": "ip r"}, **HX)
    assert "10.9.0.0/16" not in routes.content.decode()
    assert [e["command"] for e in workspace(learner, terminal).log] == ["ip r"]
