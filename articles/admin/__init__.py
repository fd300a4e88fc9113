"""The newsroom's admin, one module per concern (the photo library is the photos app's).

stories.py      the story admin: list, form, permissions, saving with revisions, preview, presence
moves.py        the workflow buttons: the panel, save-then-move, the move view, the bulk publish action
history.py      revisions of a story: history, compare, restore
inlines.py      bylines, captioned photos and corrections inside the story form
autocomplete.py inline autocompletes that cost no query per row
filters.py      the story list's quick views and author filter
taxonomy.py     sections, tags, authors
audit.py        the workflow's log (Transition rows), read-only
pagination.py   the story list's paginator (estimated counts on big tables)
trash.py        the trash (Thùng rác): deleted stories, restored by editors
view_on_site.py the "view on site" shortcut, kept to those who may see the story
"""
from . import audit, stories, taxonomy, trash  # noqa: F401  (registers the ModelAdmins)
