"""The stylesheet's colour tokens meet WCAG 2.1 AA contrast (4.5:1 for text) where they are used
together, and every impact level and tag pairs its text colour with a background that passes."""

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parents[2] / "static" / "css" / "portal.css").read_text()
TOKENS = dict(re.findall(r"--(color-[a-z-]+):\s*(#[0-9a-fA-F]{6})", CSS))


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    lighter, darker = sorted((luminance(a), luminance(b)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def colour(value: str) -> str:
    token = re.fullmatch(r"var\(--([a-z-]+)\)", value.strip())
    return TOKENS[token.group(1)] if token else value.strip()


# (text, background) as the stylesheet uses them.
TOKEN_PAIRS = [
    ("color-text", "color-bg"),
    ("color-text", "color-surface"),
    ("color-muted", "color-bg"),
    ("color-muted", "color-surface"),
    ("color-primary", "color-bg"),
    ("color-primary", "color-surface"),
    ("color-on-primary", "color-primary"),
    ("color-on-primary", "color-primary-dark"),
    ("color-danger", "color-bg"),
    ("color-success", "color-bg"),
    ("color-warning", "color-bg"),
    ("color-warning", "color-warning-bg"),
    ("color-text", "color-focus"),
]


def test_the_stylesheet_defines_the_tokens_it_is_checked_for():
    assert {name for pair in TOKEN_PAIRS for name in pair} <= set(TOKENS)


@pytest.mark.parametrize(("text", "background"), TOKEN_PAIRS)
def test_token_pairs_meet_aa(text, background):
    assert contrast(TOKENS[text], TOKENS[background]) >= 4.5


def rules_with_both(selector_pattern: str) -> list[tuple[str, str, str]]:
    found = []
    for selector, body in re.findall(r"(" + selector_pattern + r")\s*\{([^}]*)\}", CSS):
        bg = re.search(r"background:\s*([^;]+);", body)
        fg = re.search(r"(?<![-a-z])color:\s*([^;]+);", body)
        if bg and fg:
            found.append((selector, colour(fg.group(1)), colour(bg.group(1))))
    return found


def test_impact_levels_and_tags_meet_aa():
    rules = rules_with_both(r"\.impact--[a-z]+") + rules_with_both(r"\.tag(?:--[a-z]+)?")
    assert len(rules) >= 8, rules
    for selector, text, background in rules:
        assert contrast(text, background) >= 4.5, (selector, text, background)


def test_the_contrast_check_can_fail():
    assert contrast("#767676", "#ffffff") >= 4.5 > contrast("#777777", "#ffffff")
