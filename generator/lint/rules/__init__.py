"""Every rule, by family. Logic rules live in one module per family; word-list rules in
``terms/*.yml``."""

from __future__ import annotations

from functools import cache

from generator.lint.rule import Rule

FAMILY_MODULES = (
    "structure",
    "intake",
    "safety",
    "claims",
    "review",
    "privacy",
    "readability",
    "accessibility",
    "campaign",
    "meta",
)


@cache
def all_rules() -> tuple[Rule, ...]:
    """Every registered rule, sorted by code."""
    import importlib

    from generator.lint.terms import load_term_rules

    rules: list[Rule] = list(load_term_rules())
    for name in FAMILY_MODULES:
        module = importlib.import_module(f"generator.lint.rules.{name}")
        rules.extend(module.RULES)
    return tuple(sorted(rules, key=lambda r: r.code))


def rule_by_code(code: str) -> Rule | None:
    """The rule with ``code`` (or kebab-case ``name``), if any."""
    for rule in all_rules():
        if code.upper() == rule.code or code.lower() == rule.name:
            return rule
    return None
