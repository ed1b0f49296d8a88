"""Fixtures of the learning domain's tests: the test LRS (Ralph) for xAPI statements."""

from tests.lrs import lrs, ralph  # noqa: F401 - fixtures
