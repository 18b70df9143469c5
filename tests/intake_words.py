"""Import problems in words, for tests: the core gives codes, the Django layer the sentences."""

from __future__ import annotations

from django.utils.translation import override

from proeftuin.common import intake_text


def reason(problem, language: str = "nl") -> str:
    with override(language):
        return intake_text.reason(problem)


def action(problem, language: str = "nl") -> str:
    with override(language):
        return intake_text.action(problem)


def message(problem, language: str = "nl") -> str:
    with override(language):
        return intake_text.message(problem)


def described(problem, language: str = "nl") -> str:
    with override(language):
        return intake_text.described(problem)
