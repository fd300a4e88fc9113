"""Bylines with roles: who wrote, photographed, filmed, drew or translated a story, as readers see it.

One place turns a story's ordered bylines into groups ("Bài: Nông Vui - Ảnh: Hà Linh") for the page, the
feeds and the structured data. A byline of writers only reads as a plain list of names, as it always has:
the label "Bài" tells the reader something only when someone else is credited beside the writers.
"""
from dataclasses import dataclass

from .models import BylineRole

GROUP_SEPARATOR = " - "
NAME_SEPARATOR = ", "


@dataclass(frozen=True)
class CreditGroup:
    role: str
    label: str  # what readers see before the names ("Bài", "Ảnh"), empty for a writers-only byline
    bylines: tuple

    @property
    def names(self):
        return [byline.author.name for byline in self.bylines]


def credit_groups(bylines) -> list[CreditGroup]:
    """The bylines grouped by role in BylineRole's order (writers first), each group in the story's order."""
    bylines = list(bylines)
    groups = []
    for role in BylineRole:
        members = tuple(b for b in bylines if b.role == role)
        if members:
            groups.append(CreditGroup(role=role.value, label=str(role.label), bylines=members))
    if [group.role for group in groups] == [BylineRole.WRITER]:
        return [CreditGroup(role=BylineRole.WRITER, label="", bylines=groups[0].bylines)]
    return groups


def credit_line(bylines) -> str:
    """The byline as one line of text: "Bài: Nông Vui - Ảnh: Hà Linh", or "Nông Vui, Hà Linh" for writers only."""
    return GROUP_SEPARATOR.join(
        (f"{group.label}: " if group.label else "") + NAME_SEPARATOR.join(group.names)
        for group in credit_groups(bylines)
    )


def writers(bylines) -> list:
    return [b for b in bylines if b.role == BylineRole.WRITER]


def contributors(bylines) -> list:
    """Everyone credited for something other than the words (photos, video, graphics, translation)."""
    return [b for b in bylines if b.role != BylineRole.WRITER]
