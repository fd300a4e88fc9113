"""Widgets of the story form: a title and a sapo that count as the reporter types."""
from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

# The newsroom's rule for headlines: past this many words (syllables, as Vietnamese counts them) a title
# still saves, but the form says it is long.
TITLE_WORD_LIMIT = 12


def count_words(value: str) -> int:
    return len((value or "").split())


def count_characters(value: str) -> int:
    return len((value or "").strip())


class CountedMixin:
    """Render a count under the field (static/admin/newsroom/counters.js keeps it current) and, past `limit`,
    a hint. The input is described by the count, so a screen reader reads it with the field."""

    unit = ""  # "words" or "chars", for the script
    template = ""  # the count's wording, with {count}
    hint = ""  # shown past the limit, with {limit}

    def __init__(self, *args, limit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit = limit

    def count(self, value) -> int:
        raise NotImplementedError

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        counter_id = f"{attrs.get('id') or 'id_' + name}_count"
        attrs["aria-describedby"] = " ".join(filter(None, [attrs.get("aria-describedby"), counter_id]))
        attrs["data-counter"] = counter_id
        field = super().render(name, value, attrs, renderer)
        total = self.count(value if isinstance(value, str) else "")
        over = self.limit is not None and total > self.limit
        hint = ""
        if self.limit is not None:
            hint = format_html(' <span class="nr-counter__hint" role="status"{}>{}</span>', "" if over else " hidden",
                               str(self.hint).format(limit=self.limit))
        return format_html(
            '{}<p class="nr-counter{}" id="{}" data-unit="{}" data-template="{}"{}>'
            '<span class="nr-counter__text">{}</span>{}</p>',
            field, " nr-counter--over" if over else "", counter_id, self.unit, self.template,
            format_html(' data-limit="{}"', self.limit) if self.limit is not None else "",
            str(self.template).format(count=total), hint,
        )


class WordCountedInput(CountedMixin, forms.TextInput):
    unit = "words"
    template = _("{count} words")
    hint = _("A headline reads best in {limit} words or fewer.")

    def count(self, value) -> int:
        return count_words(value)


class CharacterCountedTextarea(CountedMixin, forms.Textarea):
    unit = "chars"
    template = _("{count} characters")

    def count(self, value) -> int:
        return count_characters(value)
