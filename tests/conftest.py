"""Shared test settings: the hypothesis profiles.

* ``ci`` (loaded by default): few enough examples that the core suite runs in well under
  a minute on a busy 2-core machine; no deadline (timings there are noise); failing
  examples are printed with a ``@reproduce_failure`` blob. When the ``CI`` environment
  variable is set, the examples are derandomized so that a CI run can be repeated exactly.
* ``dev``: more examples, for a longer local hunt:
  ``HYPOTHESIS_PROFILE=dev python -m pytest tests``.
"""
import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    deadline=None,
    max_examples=40,
    print_blob=True,
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "dev",
    deadline=None,
    max_examples=300,
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
