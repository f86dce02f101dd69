"""Every option's default is declared once: ``lloyd``, ``animate`` and the command line
agree on it, and the CLI's help shows it. ``animate``'s signature is the public face of
the declaration, so it is the reference here."""

from __future__ import annotations

import inspect

import pytest

from kmeans_anim import animate, lloyd
from kmeans_anim.cli import build_parser

ANIMATE = inspect.signature(animate).parameters
LLOYD = inspect.signature(lloyd).parameters
# the options the CLI shares with animate, with a default of their own
SHARED = sorted(
    name
    for name in vars(build_parser().parse_args([]))
    if name in ANIMATE and ANIMATE[name].default not in (None, inspect.Parameter.empty)
)


def test_the_cli_shares_the_run_and_view_options():
    assert {"init", "max_iter", "tol", "empty", "algorithm", "fps", "hold", "dpi"} <= set(SHARED)


@pytest.mark.parametrize("name", SHARED)
def test_the_cli_defaults_to_animates_value(name):
    assert build_parser().get_default(name) == ANIMATE[name].default


@pytest.mark.parametrize("name", sorted(set(LLOYD) & set(ANIMATE) - {"points", "k", "seed"}))
def test_lloyd_defaults_to_animates_value(name):
    assert LLOYD[name].default == ANIMATE[name].default


@pytest.mark.parametrize("name", SHARED)
def test_cli_help_shows_the_default(name):
    text = " ".join(build_parser().format_help().split())
    flag = "--" + name.replace("_", "-")
    assert flag in text
    assert f"(default: {ANIMATE[name].default})" in text
