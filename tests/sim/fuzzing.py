"""Hypothesis settings for the fuzz suites (tests/sim/test_fuzz_*.py; also
tests/web/test_fuzz_exercise.py, which reads the same ``HYPOTHESIS_PROFILE``).

Profiles (registered in tests/sim/conftest.py, chosen by ``HYPOTHESIS_PROFILE``):

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


def fuzz_settings(examples: int) -> settings:
    scale = settings.default.max_examples / CI_EXAMPLES
    return settings(
        max_examples=max(1, round(examples * scale)),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
