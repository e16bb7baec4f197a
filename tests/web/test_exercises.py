"""Exercise kinds: validation names the field, each kind grades through the simulator."""

from __future__ import annotations

import pytest
from exercise_specs import spec

from lessons import exercises as ex
from netlearn.sim import Network


def problems(exercise: dict) -> dict[str, str]:
    return {p.path: p.message for p in ex.validate_exercise(exercise)}


# -- validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["terminal", "routes", "dns", "quiz"])
def test_the_sample_exercise_of_each_kind_is_valid(kind):
    assert ex.validate_exercise(spec(kind)) == []


def test_it_names_a_goal_key_that_is_missing():
    exercise = spec("terminal")
    exercise["goals"].append({"check": "reachable", "from": "A"})
    assert problems(exercise) == {"exercise.goals[1].to": "the reachable check needs 'to'"}


def test_it_names_an_unknown_goal_key():
    exercise = spec("terminal")
    exercise["goals"][0]["too"] = "192.165.2.10"
    assert list(problems(exercise)) == ["exercise.goals[0].too"]


def test_it_names_a_check_kind_the_simulator_does_not_know():
    exercise = spec("terminal")
    exercise["goals"][0] = {"check": "teleports", "from": "A"}
    found = problems(exercise)
    assert list(found) == ["exercise.goals[0].check"]
    assert "unknown check kind 'teleports'" in found["exercise.goals[0].check"]


def test_it_names_the_scenario_field_that_does_not_load():
    exercise = spec("terminal")
    exercise["scenario"]["hosts"]["C"]["interfaces"]["eth0"]["address"] = "192.165.2.300/24"
    assert problems(exercise) == {
        "exercise.scenario.hosts.C.interfaces.eth0.address": (
            "'192.165.2.300/24' is not an IPv4 interface"
        )
    }


def test_a_solution_that_misses_a_goal_is_reported_with_the_simulators_reason():
    exercise = spec("terminal")
    del exercise["solution"]["commands"]["C"]  # no way back from C
    found = problems(exercise)
    assert list(found) == ["exercise.goals[0]"]
    assert found["exercise.goals[0]"].startswith("the solution does not pass this goal")
    assert "no route back to 192.165.1.0/24" in found["exercise.goals[0]"]


def test_a_starting_state_that_already_passes_is_reported():
    exercise = spec("terminal")
    exercise["goals"] = [{"check": "reachable", "from": "A", "to": "192.165.1.1"}]
    exercise["solution"] = {"commands": {"A": ["ip link set eth0 up"]}}
    assert "already passes every goal" in problems(exercise)["exercise.goals"]


def test_a_failing_solution_command_is_reported_with_the_terminals_error():
    exercise = spec("terminal")
    exercise["solution"]["commands"]["A"] = ["ip route add 192.165.2.0/24 via 192.165.9.1"]
    assert problems(exercise) == {
        "exercise.solution.commands.A[0]": (
            "`ip route add 192.165.2.0/24 via 192.165.9.1` fails on A: "
            "Error: Nexthop has invalid gateway."
        )
    }


def test_a_solution_for_a_host_that_does_not_exist_is_reported():
    exercise = spec("terminal")
    exercise["solution"]["commands"]["Z"] = ["hostname"]
    assert "exercise.solution.commands.Z" in problems(exercise)


def test_unknown_keys_and_wrong_kind_are_reported():
    exercise = spec("terminal")
    exercise["goal"] = []
    assert "exercise.goal" in problems(exercise)
    assert "exercise.kind" in problems({**spec("terminal"), "kind": "essay"})


def test_a_bad_route_row_in_the_solution_is_reported_by_row():
    exercise = spec("routes")
    exercise["solution"]["routes"]["A"] = ["192.165.2.0/24 via 192.165.7.1"]
    assert problems(exercise) == {
        "exercise.solution.routes.A[0]": "Error: Nexthop has invalid gateway."
    }


def test_a_record_for_a_zone_no_server_hosts_is_reported():
    exercise = spec("dns")
    exercise["solution"]["records"]["example.org"] = ["www 300 IN A 192.0.2.1"]
    assert problems(exercise) == {
        "exercise.solution.records.example.org": (
            "no DNS server in this exercise serves the zone example.org"
        )
    }


def test_quiz_questions_are_checked():
    exercise = spec("quiz")
    exercise["questions"][1]["answer"] = 5
    exercise["questions"][0]["choices"] = ["only one"]
    found = problems(exercise)
    assert set(found) == {"exercise.questions[0].choices", "exercise.questions[1].answer"}


def test_a_quiz_solution_that_disagrees_with_the_answer_key_is_reported():
    exercise = spec("quiz")
    exercise["solution"]["answers"] = [0, 0]
    assert list(problems(exercise)) == ["exercise.solution.answers[0]"]


def test_normalise_spec_raises_with_every_problem():
    exercise = spec("terminal")
    exercise["prompt"] = ""
    exercise["hints"] = [""]
    with pytest.raises(ex.ExerciseInvalid) as info:
        ex.normalise_spec(exercise)
    assert {p.path for p in info.value.problems} == {"exercise.prompt", "exercise.hints[0]"}


# -- grading -------------------------------------------------------------------------------------


def test_terminal_grading_uses_the_network_as_the_learner_left_it():
    exercise = spec("terminal")
    net = ex.starting_network(exercise)
    assert ex.grade(exercise, network=net).score == 0
    net.run("A", "ip route add 192.165.2.0/24 via 192.165.1.1")
    half = ex.grade(exercise, network=net).results[0]
    assert not half.passed
    assert half.cause == "no-return-route"
    assert half.label == "A can reach 192.165.2.10"
    net.run("C", "ip route add default via 192.165.2.1")
    grade = ex.grade(exercise, network=net)
    assert grade.passed and grade.score == 100


def test_grading_does_not_change_the_network():
    exercise = spec("terminal")
    net = ex.starting_network(exercise)
    before = net.to_dict()
    ex.grade(exercise, network=net)
    assert net.to_dict() == before


def test_route_rows_go_through_the_kernels_checks_with_errors_by_row():
    with pytest.raises(ex.SubmissionError) as info:
        ex.grade(
            spec("routes"),
            submission={
                "routes": {
                    "A": [
                        {"destination": "192.165.2.0/24", "gateway": "192.165.1.1"},
                        {"destination": "192.165.2.5/24", "gateway": "192.165.1.1"},
                        {"destination": "", "gateway": "192.165.1.1"},
                    ],
                    "Z": [],
                }
            },
        )
    assert info.value.errors == {
        "routes.A[1]": "Error: Invalid prefix for given prefix length.",
        "routes.A[2]": "a route needs a destination (an address/prefix, or default)",
        "routes.Z": "there is no host named 'Z' in this exercise",
    }


def test_a_route_row_cannot_smuggle_another_command():
    with pytest.raises(ex.SubmissionError) as info:
        ex.grade(
            spec("routes"),
            submission={"routes": {"R": ["default via 192.165.1.1; echo 0 > /proc/x"]}},
        )
    assert list(info.value.errors) == ["routes.R[0]"]


def test_route_rows_that_apply_are_graded_per_goal():
    grade = ex.grade(
        spec("routes"),
        submission={"routes": {"A": [{"destination": "192.165.2.0/24", "gateway": "192.165.1.1"}]}},
    )
    assert [r.passed for r in grade.results] == [True, False]
    assert grade.score == 50


def test_blank_route_rows_are_ignored():
    grade = ex.grade(
        spec("routes"),
        submission={"routes": {"A": [{"destination": "", "gateway": "", "metric": ""}]}},
    )
    assert grade.score == 0


def test_record_rows_are_checked_with_dnspython_and_by_the_zone():
    with pytest.raises(ex.SubmissionError) as info:
        ex.grade(
            spec("dns"),
            submission={
                "records": {
                    "example.com": [
                        {"name": "www", "type": "A", "value": "192.165.1.500", "ttl": "300"},
                        {"name": "flowers", "type": "A", "value": "192.165.1.50"},
                        {"name": "flowers", "type": "CNAME", "value": "www"},
                        {"name": "x.example.org.", "type": "A", "value": "192.0.2.1"},
                        {"name": "mail", "type": "A", "value": "192.0.2.1", "ttl": "soon"},
                    ]
                }
            },
        )
    errors = info.value.errors
    assert errors["records.example.com[0]"].startswith("'192.165.1.500' is not a valid A value")
    assert "a name with a CNAME record can have no other record" in errors["records.example.com[2]"]
    assert errors["records.example.com[3]"] == "x.example.org. is not in the zone example.com."
    assert errors["records.example.com[4]"].startswith("the TTL is a whole number of seconds")
    assert "records.example.com[1]" not in errors


def test_record_rows_reach_the_zone_of_the_server_that_hosts_it():
    grade = ex.grade(
        spec("dns"),
        submission={
            "records": {
                "example.com": [
                    {"name": "www", "type": "A", "value": "192.165.1.50", "ttl": ""},
                    {"name": "flowers", "type": "CNAME", "value": "www.example.com."},
                ]
            }
        },
    )
    assert grade.passed, grade.results


def test_a_wrong_record_fails_with_the_simulators_message():
    grade = ex.grade(
        spec("dns"),
        submission={"records": {"example.com": ["www 300 IN A 192.165.1.51"]}},
    )
    first = grade.results[0]
    assert not first.passed
    assert "192.165.1.51" in first.message


def test_quiz_answers_get_one_result_per_question():
    grade = ex.grade(spec("quiz"), submission={"answers": [1, 1]})
    right, wrong = grade.results
    assert right.passed and "RFC 1918" in right.message
    assert not wrong.passed and wrong.cause == "wrong-answer"
    assert "An IPv6 address" in wrong.message
    assert grade.score == 50


def test_an_unanswered_question_fails_as_unanswered():
    grade = ex.grade(spec("quiz"), submission={"answers": [1]})
    assert grade.results[1].cause == "unanswered"


def test_malformed_quiz_answers_are_a_submission_error():
    with pytest.raises(ex.SubmissionError):
        ex.grade(spec("quiz"), submission={"answers": ["four"]})
    with pytest.raises(ex.SubmissionError):
        ex.grade(spec("quiz"), submission={"answers": [7]})


def test_a_goal_the_simulator_cannot_check_fails_instead_of_crashing():
    exercise = spec("terminal")
    exercise["goals"].append({"check": "teleports"})
    grade = ex.grade(exercise, network=ex.starting_network(exercise))
    assert grade.results[1].cause == "check-error"
    assert not grade.passed


def test_replay_runs_a_log_again_on_the_starting_network():
    exercise = spec("terminal")
    net = ex.replay(
        exercise,
        [
            {"host": "A", "command": "ip route add 192.165.2.0/24 via 192.165.1.1"},
            {"host": "C", "command": "ip route add default via 192.165.2.1"},
            {"host": "gone", "command": "hostname"},
        ],
    )
    assert isinstance(net, Network)
    assert ex.grade(exercise, network=net).passed


def test_fields_and_spec_round_trip():
    for kind in ("terminal", "quiz"):
        clean = ex.normalise_spec(spec(kind))
        assert ex.spec_from_fields(**ex.fields_from_spec(clean)) == clean


def test_content_hash_ignores_key_order():
    assert ex.content_hash({"a": 1, "b": [1, 2]}) == ex.content_hash({"b": [1, 2], "a": 1})
    assert ex.content_hash({"a": 1}) != ex.content_hash({"a": 2})
