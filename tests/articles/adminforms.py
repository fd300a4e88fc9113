"""Reading the admin's story form back as POST data, the way a browser would send it unchanged."""
import datetime

from django.forms import ModelMultipleChoiceField, MultipleChoiceField
from django.forms.widgets import MultiWidget


def _put(data, bound_field):
    value = bound_field.value()
    widget = bound_field.field.widget
    if isinstance(widget, MultiWidget):
        parts = widget.decompress(value) if not isinstance(value, list) else value
        for index, part in enumerate(parts):
            name = f"{bound_field.html_name}_{index}"
            if isinstance(part, datetime.date):
                part = part.strftime("%Y-%m-%d")
            elif isinstance(part, datetime.time):
                part = part.strftime("%H:%M:%S")
            data[name] = "" if part is None else str(part)
        return
    if isinstance(value, bool):
        if value:
            data[bound_field.html_name] = "on"
        return
    if value is None and isinstance(bound_field.field, (MultipleChoiceField, ModelMultipleChoiceField)):
        return
    if value is None:
        data[bound_field.html_name] = ""
    elif isinstance(value, (list, tuple)):
        data[bound_field.html_name] = [str(item) for item in value]
    else:
        data[bound_field.html_name] = str(value)


def admin_form_data(response) -> dict:
    """All fields of the rendered change form (story and inlines) as the browser would post them."""
    data = {}
    for bound_field in response.context["adminform"].form:
        _put(data, bound_field)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for bound_field in formset.management_form:
            _put(data, bound_field)
        for form in formset.forms:
            for bound_field in form:
                _put(data, bound_field)
    return data
