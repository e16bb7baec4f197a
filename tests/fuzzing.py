"""What the fuzz suites share (tests/sim/test_fuzz_*.py, tests/web/test_fuzz_*.py): Hypothesis
settings scaled by the profile, and the paths into a nested document that mutations pick from.

Profiles (registered in tests/conftest.py, chosen by ``HYPOTHESIS_PROFILE``):

- ``ci`` (the default): each fuzz test runs the example count it names, so the whole fuzz suite
  (a few thousand command lines and a few thousand scenarios) takes well under a minute;
- ``fuzz``: twenty times as many, for a longer local run::

      make fuzz     # or: HYPOTHESIS_PROFILE=fuzz .venv/bin/pytest tests/sim/test_fuzz_shell.py \\
          tests/sim/test_fuzz_scenario.py -n 2 -p no:django

``fuzz_settings(n)`` scales ``n`` by the profile's ``max_examples`` / 100, so other property tests,
which name their own counts, are not affected by the profile.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

CI_EXAMPLES = 100  # the ci profile's max_examples: fuzz_settings(n) runs n examples under it


def fuzz_settings(examples: int, *, fixtures: bool = False) -> settings:
    """``examples`` under the ci profile, scaled for others; ``fixtures=True`` for tests that take
    function-scoped pytest fixtures (a database row shared by every example, on purpose)."""
    scale = settings.default.max_examples / CI_EXAMPLES
    suppress = [HealthCheck.too_slow, HealthCheck.data_too_large]
    if fixtures:
        suppress.append(HealthCheck.function_scoped_fixture)
    return settings(
        max_examples=max(1, round(examples * scale)), deadline=None, suppress_health_check=suppress
    )


def paths(value, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value inside nested dicts and lists (the root is ())."""
    out = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            out += paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            out += paths(child, (*prefix, index))
    return out


def parent_of(root, path: tuple):
    """The dict or list holding the value at ``path`` (a non-empty path from ``paths``)."""
    for step in path[:-1]:
        root = root[step]
    return root
