"""How the newsroom names its people: one answer for mails, the desk, the story log and the open-story banner.

A login name ("bientap") means nothing to a colleague; the name a person signs stories with does. The byline
name of their author profile comes first, then the full name of their account, and only then the login.
"""
from django.core.exceptions import ObjectDoesNotExist


def display_name(user, fallback: str = "") -> str:
    """'Nông Vui' for the account nvui; `fallback` (or the login) when the account has no name."""
    if user is None:
        return fallback
    try:
        author = user.author
    except (ObjectDoesNotExist, AttributeError):
        author = None
    if author is not None and author.name.strip():
        return author.name.strip()
    return user.get_full_name().strip() or fallback or user.get_username()


def name_parts(full_name: str) -> tuple[str, str]:
    """Django's (first_name, last_name) for a Vietnamese full name, so that get_full_name() gives it back:
    'Nông Thị Vui' -> ('Nông Thị', 'Vui')."""
    first, _space, last = " ".join(full_name.split()).rpartition(" ")
    return first, last
