"""Privacy vocabulary: words that must stay out of URLs of sensitive service lines."""

from __future__ import annotations

from functools import cache
from importlib import resources

from generator.intake import words
from generator.sources import packaged_yaml


@cache
def sensitive_terms() -> frozenset[str]:
    """Condition words kept out of URLs, slugs and UTM values of sensitive service lines
    (``data/sensitive_terms.yml``, editable by reviewers)."""
    text = resources.files("generator").joinpath("data/sensitive_terms.yml").read_text("utf-8")
    return frozenset(packaged_yaml(text)["terms"])


def condition_words(text: str) -> list[str]:
    """The sensitive terms in ``text`` (a slug, a path, a UTM value), in order of appearance."""
    terms = sensitive_terms()
    tokens = words(text.replace("-", " ").replace("_", " ").replace(".", " "))
    found = [w for w in tokens if w in terms]
    joined = " " + " ".join(tokens) + " "
    compound = [t for t in terms if "-" in t and f" {t.replace('-', ' ')} " in joined]
    return list(dict.fromkeys(found + compound))
