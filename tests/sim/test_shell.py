"""The shell: parsing, redirections, bash's errors and the bounds on every input."""

from __future__ import annotations

from netlearn.sim import Network
from netlearn.sim.limits import MAX_COMMANDS, MAX_LINE, MAX_OUTPUT


def test_an_unknown_command_is_bash_command_not_found(sh):
    res = sh("ipp route")
    assert (res.stdout, res.stderr, res.status) == ("", "bash: ipp: command not found\n", 127)


def test_a_path_to_a_missing_program_is_no_such_file(sh):
    res = sh("./configure")
    assert (res.stderr, res.status) == ("bash: ./configure: No such file or directory\n", 127)


def test_an_unclosed_quote_is_a_bash_syntax_error(sh):
    res = sh("echo 'hello")
    assert res.stderr == "bash: unexpected EOF while looking for matching `''\n"
    assert res.status == 2


def test_a_redirection_without_a_target_is_a_syntax_error(sh):
    res = sh("echo hi >")
    assert (res.stderr, res.status) == ("bash: syntax error near unexpected token `newline'\n", 2)


def test_a_leading_separator_is_a_syntax_error(sh):
    res = sh("; ip r")
    assert (res.stderr, res.status) == ("bash: syntax error near unexpected token `;'\n", 2)


def test_an_empty_line_does_nothing(sh):
    assert sh("").output == "" and sh("").status == 0
    assert sh("   # just a comment").status == 0


def test_quotes_group_words_and_backslashes_escape(sh):
    assert sh("echo 'a  b' \"c  d\" e\\ f").stdout == "a  b c  d e f\n"


def test_semicolons_run_commands_in_order_and_the_last_status_wins(sh):
    res = sh("false; echo after")
    assert (res.stdout, res.status) == ("after\n", 0)


def test_and_and_or_short_circuit(sh):
    assert sh("false && echo no || echo yes").stdout == "yes\n"
    assert sh("true && echo yes").stdout == "yes\n"


def test_dollar_question_mark_is_the_previous_status(sh):
    assert sh("ipp; echo $?").stdout == "127\n"


def test_variables_expand_from_the_host_environment(sh, reference):
    sh("GREETING=hello")
    assert reference.hosts["A"].env["GREETING"] == "hello"
    assert sh('echo "$GREETING world" ${GREETING}').stdout == "hello world hello\n"
    assert sh("echo '$GREETING'").stdout == "$GREETING\n"


def test_a_prefix_assignment_only_lasts_for_that_command(sh, reference):
    sh("X=1 true")
    assert "X" not in reference.hosts["A"].env


def test_a_pipe_feeds_the_next_command(sh):
    assert sh("echo hello | cat").stdout == "hello\n"


def test_two_greater_than_dev_null_hides_errors(sh):
    res = sh("cat /nope 2>/dev/null")
    assert (res.output, res.status) == ("", 1)


def test_two_greater_than_ampersand_one_merges_stderr_into_stdout(sh):
    res = sh("cat /nope 2>&1")
    assert res.stdout == "cat: /nope: No such file or directory\n" and res.stderr == ""


def test_a_line_longer_than_the_limit_is_refused_with_a_clear_message(sh):
    res = sh("echo " + "x" * MAX_LINE)
    assert res.status == 2
    assert f"at most {MAX_LINE}" in res.stderr and res.stdout == ""


def test_output_is_capped(sh):
    sh("echo " + "y" * 1000 + " > /tmp/big")
    line = "cat" + " /tmp/big" * 100
    res = sh(line)
    assert len(res.stdout) <= MAX_OUTPUT + 100
    assert res.stdout.endswith("[output truncated by the simulator]\n")


def test_the_workspace_stops_after_the_command_limit(lan):
    lan.commands_run = MAX_COMMANDS
    res = lan.run("A", "ip r")
    assert res.status == 1 and "reset" in res.stderr


def test_every_line_is_counted_on_the_network(lan):
    lan.run("A", "true; true")
    lan.run("B", "ip r")
    assert lan.commands_run == 2


def test_a_command_crash_is_reported_not_raised(lan, monkeypatch):
    from netlearn.sim import commands

    def broken(argv, host, net):
        raise RuntimeError("boom")

    commands.discover()
    monkeypatch.setitem(commands.REGISTRY, "broken", broken)
    res = lan.run("A", "broken")
    assert res.status == 1 and "internal simulator error" in res.stderr


def test_commands_are_discovered_from_the_package(lan):
    from netlearn.sim import commands

    assert {"ip", "cat", "echo", "tee", "printf", "true", "false"} <= set(commands.names())


def test_printf_formats_and_interprets_escapes(sh):
    assert sh("printf '%s=%d\\n' a 1 b 2").stdout == "a=1\nb=2\n"


def test_echo_minus_n_and_minus_e(sh):
    assert sh("echo -n hi").stdout == "hi"
    assert sh("echo -e 'a\\tb'").stdout == "a\tb\n"


def test_running_on_an_unknown_host_is_a_sim_error(lan):
    import pytest

    from netlearn.sim import SimError

    with pytest.raises(SimError):
        lan.run("Z", "ip r")


def test_results_show_stdout_then_stderr(lan):
    res = lan.run("A", "echo out; cat /missing")
    assert res.output == "out\ncat: /missing: No such file or directory\n"
    assert isinstance(Network, type)


def test_sudo_just_runs_the_command_for_root(sh):
    assert sh("sudo ip route add 10.0.0.0/8 via 192.165.1.1").status == 0
    assert "10.0.0.0/8" in sh("ip r").stdout
    assert sh("sudo").status == 1


def test_command_substitution_and_word_splitting(sh):
    assert sh("echo $(ip route | grep default)").stdout == "default via 192.165.1.1 dev eth0\n"
    assert sh('echo "$(ip route | grep default)"').stdout == "default via 192.165.1.1 dev eth0 \n"
    assert sh("ip route get $(echo 8.8.8.8)").stdout.startswith("8.8.8.8 via 192.165.1.1 ")
    assert sh("echo `cat /etc/hostname`").stdout == "A\n"
    assert sh('printf "[%s]" $(echo "a b") "$(echo c d)"').stdout == "[a][b][c d]"


def test_an_unset_variable_leaves_no_word_unless_quoted(sh):
    assert sh("printf '[%s]' $NOPE x").stdout == "[x]"
    assert sh("printf '[%s]' \"$NOPE\" x").stdout == "[][x]"


def test_tilde_and_home_are_roots(sh):
    assert sh("echo ~ ~/notes a~").stdout == "/root /root/notes a~\n"
    assert sh("echo $USER $HOSTNAME").stdout == "root A\n"


def test_an_unclosed_substitution_is_a_syntax_error(sh):
    res = sh('echo "$(')
    assert (res.stderr, res.status) == ("bash: unexpected EOF while looking for matching `)'\n", 2)


def test_redirections_apply_left_to_right(sh):
    assert sh("cat /nope >/dev/null 2>&1").output == ""
    assert sh("cat /nope 2>&1 >/dev/null").stdout == "cat: /nope: No such file or directory\n"
    assert sh("cat /nope 2>&1 | grep -c 'No such'").stdout == "1\n"
    sh("cat /nope /etc/hostname > /tmp/both 2>&1")
    assert sh("cat /tmp/both").stdout == "A\ncat: /nope: No such file or directory\n"
