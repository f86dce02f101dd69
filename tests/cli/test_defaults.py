"""Every option's default is declared once (``DEFAULTS``): ``lloyd``, ``animate`` and the
command line all take it from there, and the CLI's help shows it."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from kmeans_anim import animate, lloyd
from kmeans_anim._checks import DEFAULTS, Defaults, help_of
from kmeans_anim.cli import build_parser

NAMES = [f.name for f in dataclasses.fields(Defaults)]


@pytest.mark.parametrize("name", NAMES)
def test_animate_and_the_cli_default_to_the_declared_value(name):
    want = getattr(DEFAULTS, name)
    assert inspect.signature(animate).parameters[name].default == want
    assert build_parser().get_default(name) == want


@pytest.mark.parametrize("name", ["init", "max_iter", "tol", "empty", "algorithm"])
def test_lloyd_defaults_to_the_declared_value(name):
    assert inspect.signature(lloyd).parameters[name].default == getattr(DEFAULTS, name)


@pytest.mark.parametrize("name", NAMES)
def test_cli_help_shows_the_declared_help_and_default(name):
    text = " ".join(build_parser().format_help().split())
    assert help_of(name) in text
    assert f"(default: {getattr(DEFAULTS, name)})" in text
