"""Import problems in templates: ``{% load intake %}{{ problem|intake_message }}``."""

from __future__ import annotations

from django import template

from proeftuin.common import intake_text

register = template.Library()

register.filter("intake_reason", intake_text.reason)
register.filter("intake_action", intake_text.action)
register.filter("intake_message", intake_text.message)
register.filter("intake_where", intake_text.where)
register.filter("intake_described", intake_text.described)
