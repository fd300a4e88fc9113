"""The admin's forms: the story form (rich-text body widget, no-lost-edits check) and the workflow buttons' form."""
from django import forms
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Article, Status, Transition
from .people import display_name
from .revisions import COMPARED_FIELDS, compare
from .text import single_line, vietnamese_datetime
from .widgets import TITLE_WORD_LIMIT, CharacterCountedTextarea, WordCountedInput
from .workflow import ACTION_LABELS, MOVES, invalid_action_message

# A move pressed on a page showing an older version of the story: someone edited or moved it meanwhile.
STALE_MOVE_MESSAGE = _("The story changed after you opened it. Look at it as it is now, then press the button again.")

# The story's fields that the workflow may own (workflow.workflow_owned_fields) and the form otherwise edits.
PUBLISH_TIME_FIELDS = ("published_at",)


def body_widget():
    """The rich-text editor for story bodies; settings.NEWSROOM_BODY_WIDGET names it (the one place)."""
    return import_string(settings.NEWSROOM_BODY_WIDGET)()


def label_split_inputs(fields) -> None:
    """Name each input of a split date and time field ("Ngày (thời điểm xuất bản)"): the field's label names
    the pair, and the words beside the inputs are text, not labels."""
    for field in fields.values():
        if isinstance(field.widget, forms.SplitDateTimeWidget):
            date_input, time_input = field.widget.widgets
            # Django's own words for the two inputs, as printed beside them ("Ngày:", "Giờ:").
            date_input.attrs["aria-label"] = f"{gettext('Date:').rstrip(':')} ({field.label})"
            time_input.attrs["aria-label"] = f"{gettext('Time:').rstrip(':')} ({field.label})"


class MoveForm(forms.Form):
    """A workflow button pressed on the story page: which move, its comment, a publish time, the version seen.

    The fields carry the names the page posts (the button's `_transition`, the panel's `_transition_comment`
    and `_publish_at`, the story form's hidden `version`). Who may make the move, and whether the story is
    complete, is workflow.py's to say; this form refuses what can be told from the request alone.
    """

    _transition = forms.CharField()
    _transition_comment = forms.CharField(required=False)
    _publish_at = forms.DateTimeField(
        required=False,
        # What a datetime-local input sends, and what a person may type; read in the newsroom's time zone.
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        error_messages={"invalid": _("The publish time is not valid; choose a date and a time, e.g. 22/07/2026 08:30.")},
    )
    version = forms.IntegerField(required=False, min_value=0)

    def __init__(self, data, *, article=None):
        """`article`: the story as it stands now, whose version a sent version must match (None: not checked)."""
        super().__init__(data)
        self.article = article
        self.move = None

    def clean__transition(self):
        action = self.cleaned_data["_transition"]
        self.move = MOVES.get(action)
        if self.move is None:
            raise forms.ValidationError(invalid_action_message(action), code="invalid_action")
        return action

    def clean(self):
        cleaned = super().clean()
        move = self.move
        if move is not None and move.comment_required and not cleaned.get("_transition_comment"):
            self.add_error("_transition_comment", forms.ValidationError(move.comment_refusal, code="comment"))
        sent = cleaned.get("version")
        if self.article is not None and sent is not None and sent != self.article.version:
            raise forms.ValidationError(STALE_MOVE_MESSAGE, code="stale")
        return cleaned

    @property
    def action(self) -> str:
        return self.cleaned_data["_transition"]

    @property
    def comment(self) -> str:
        return self.cleaned_data.get("_transition_comment", "")

    def publish_at(self, article):
        """The time to publish at: the panel's, else a future publish time the editor saved in the story form."""
        if self.action != "publish":
            return None
        chosen = self.cleaned_data.get("_publish_at")
        if chosen is None and article.published_at and article.published_at > timezone.now():
            return article.published_at
        return chosen

    def refusals(self) -> list[str]:
        """Every error of the form as one flat list of sentences, for the admin's messages."""
        return [str(message) for errors in self.errors.values() for message in errors]



class ArticleAdminForm(forms.ModelForm):
    # The version the writer started from. A save from an older version is refused (optimistic concurrency).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "body" in self.fields:
            self.fields["body"].widget = body_widget()
        if "title" in self.fields:
            attrs = {**self.fields["title"].widget.attrs, "class": "vTextField nr-title"}
            self.fields["title"].widget = WordCountedInput(attrs=attrs, limit=TITLE_WORD_LIMIT)
        if "sapo" in self.fields:
            self.fields["sapo"].widget = CharacterCountedTextarea(attrs=self.fields["sapo"].widget.attrs)
        label_split_inputs(self.fields)
        if self.instance.pk:
            self.initial["version"] = self.instance.version
        # Set when the save is refused because someone else saved first: the story as it now stands.
        self.conflict = None
        self.conflict_move = None
        self.conflict_rows = []
        self.conflict_editor = ""

    def is_multipart(self):
        # The browser then sends the body as it is. URL-encoded, Vietnamese text takes nearly twice its size,
        # so a 3 MB body would already pass DATA_UPLOAD_MAX_MEMORY_SIZE (5 MB) and be refused whole.
        return True

    def clean_title(self):
        # A title pasted across lines would break the mail subject and the page's <title>: one line.
        return single_line(self.cleaned_data.get("title"))

    def clean(self):
        cleaned = super().clean()
        self._check_move()
        if self.instance.pk:
            self._check_version(cleaned.get("version"))
        return cleaned

    def _check_move(self):
        """A workflow button whose request is wrong (no comment where one is needed, a garbled publish time)
        refuses before anything is saved, so the writer loses nothing. The version is this form's to check."""
        self.move_form = None
        if not self.data.get("_transition"):
            return
        self.move_form = MoveForm(self.data)
        if not self.move_form.is_valid():
            raise forms.ValidationError(self.move_form.refusals())

    def _show_what_the_sender_never_saw(self, data):
        """A field the old form showed read-only (a published story's time) and the story now lets the writer
        edit is filled with the story's value, so that saving the merged form does not blank it."""
        for name in PUBLISH_TIME_FIELDS:
            field, key = self.fields.get(name), self.add_prefix(name)
            if field is None or not field.widget.value_omitted_from_data(self.data, self.files, key):
                continue
            value, widget = getattr(self.instance, name), field.widget
            if isinstance(widget, forms.MultiWidget):
                for suffix, part_widget, part in zip(widget.widgets_names, widget.widgets, widget.decompress(value)):
                    data[key + suffix] = part_widget.format_value(part) or ""
            else:
                data[key] = widget.format_value(value) or ""

    def _check_version(self, sent):
        # The row lock is held until the admin's transaction ends, so two saves cannot both pass this check.
        rows = Article.objects.select_for_update() if transaction.get_connection().in_atomic_block else Article.objects
        current = (
            rows
            .only("version", "title", "kicker", "sapo", "body", "updated_at", "last_edited_by")
            .get(pk=self.instance.pk)
        )
        if sent == current.version:
            return
        self.conflict = current
        typed = {name: self.data.get(self.add_prefix(name), "") for name, _ in COMPARED_FIELDS}
        saved = {name: getattr(current, name) for name, _ in COMPARED_FIELDS}
        self.conflict_rows = compare(saved, typed)
        editor = current.last_edited_by
        name = display_name(editor) if editor else _("someone else")
        self.conflict_editor = name
        when = current.updated_at
        refusal = _("Not saved: %(name)s edited this story at %(when)s, after you opened it. What you typed is "
                    "still in the fields below; the version just saved and what differs are in the “Saved version” "
                    "box. Merge the two, then press Save again.")
        params = {"name": name}
        # A workflow move also makes the form stale (workflow.py bumps the version): say who moved it.
        self.conflict_move = Transition.objects.filter(article_id=current.pk).order_by("-at", "-id").first()
        if self.conflict_move is not None and self.conflict_move.at >= current.updated_at:
            move = self.conflict_move
            when = move.at
            refusal = _("Not saved: %(name)s pressed “%(move)s” (the story is now “%(status)s”) at %(when)s, after "
                        "you opened it. What you typed is still in the fields below; the version just saved and what "
                        "differs are in the “Saved version” box. Merge the two, then press Save again.")
            params = {"name": move.actor_name or _("someone else"), "move": ACTION_LABELS.get(move.action, move.action),
                      "status": Status(move.to_status).label}
        else:
            self.conflict_move = None
        # The next save starts from the version now shown: the writer has seen both texts and merged them.
        data = self.data.copy()
        data[self.add_prefix("version")] = str(current.version)
        self._show_what_the_sender_never_saw(data)
        self.data = data
        raise forms.ValidationError(refusal, code="stale", params={**params, "when": vietnamese_datetime(when)})
