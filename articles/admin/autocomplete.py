"""Autocomplete fields in inline rows without one query per row for the label of what each row holds."""
from django.contrib.admin.widgets import AutocompleteSelect
from django.forms.models import BaseInlineFormSet


class KnownChoiceAutocomplete(AutocompleteSelect):
    """An autocomplete whose selected option's label is already known, instead of one query per row."""

    known = None  # {str(pk): label}, set per form by KnownChoicesFormSet

    def optgroups(self, name, value, attr=None):
        selected = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if self.known is None or any(v not in self.known for v in selected):
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        options += [self.create_option(name, v, self.known[v], set(selected), len(options) + i)
                    for i, v in enumerate(selected)]
        return [(None, options, 0)]


class KnownChoicesFormSet(BaseInlineFormSet):
    """Give each row's autocomplete the label of the object it already holds (select_related by the inline)."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        for name in self.autocomplete_fields:
            related = getattr(form.instance, name, None) if getattr(form.instance, f"{name}_id", None) else None
            widget = getattr(form.fields[name].widget, "widget", form.fields[name].widget)
            if related is not None and isinstance(widget, KnownChoiceAutocomplete):
                widget.known = {str(related.pk): str(related)}
        return form


class KnownChoicesInlineMixin:
    """Inline rows whose autocompletes cost no query each: the inline select_relates what they show."""

    formset = KnownChoicesFormSet

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.autocomplete_fields)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.autocomplete_fields = list(self.autocomplete_fields)
        return formset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.autocomplete_fields:
            kwargs["widget"] = KnownChoiceAutocomplete(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
