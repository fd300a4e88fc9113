"""Every story as IPTC ninjs 2.2, checked against the official schema (vendored in tests/api/ninjs_schema/)."""
import json
from pathlib import Path

import jsonschema
import pytest
from django.utils import timezone

from articles.models import Byline, Correction, Status, Tag
from tests.factories import make_article, make_author, make_caption, make_photo, place_photo

pytestmark = pytest.mark.django_db

SCHEMA = json.loads((Path(__file__).parent / "ninjs_schema" / "ninjs-schema_2.2.json").read_text())


def validate(document):
    validator = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(document), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def ninjs_of(client, article):
    response = client.get(f"/api/v1/articles/{article.pk}/ninjs")
    assert response.status_code == 200
    return response.json()


def test_the_vendored_schema_rejects_what_ninjs_forbids():
    """The check is real: an unknown top-level property and a wrong type are refused."""
    with pytest.raises(AssertionError):
        validate({"uri": "http://example.test/1", "headline": "ninjs 1.x name"})
    with pytest.raises(AssertionError):
        validate({"uri": "http://example.test/1", "type": "article"})


def test_full_story_is_valid_ninjs_with_people_subjects_and_photos(client, section):
    """A story with kicker, tags, two authors, two photos and a correction validates and maps each part."""
    story = make_article("Khánh thành cầu Nà Phặc", section=section, status=Status.PUBLISHED, kicker="Giao thông",
                         authors=[make_author("Nông Vui"), make_author("Hà Linh")])
    story.tags.add(Tag.objects.create(name="Cầu đường"))
    make_caption(story, photo=make_photo(alt_text="Cây cầu mới", credit="Ảnh: Hà Linh"), text="Cầu mới.",
                 is_lead=True)
    place_photo(story, make_photo(alt_text="Người dân", credit="Ảnh: Nông Vui"), text="Người dân qua cầu.", after=1)
    Correction.objects.create(article=story, text="Sửa chiều dài cầu.")
    document = ninjs_of(client, story)
    validate(document)
    assert document["type"] == "text" and document["language"] == "vi"
    assert document["uri"] == f"http://127.0.0.1:8000/api/v1/articles/{story.pk}/"
    assert document["headlines"] == [{"role": "main", "value": "Khánh thành cầu Nà Phặc"},
                                     {"role": "kicker", "value": "Giao thông"}]
    assert document["bodies"][0]["contenttype"] == "text/html" and "Đoạn thứ nhất." in document["bodies"][0]["value"]
    assert document["by"] == "Nông Vui, Hà Linh"  # writers only: a plain list of names, as on the page
    assert [(p["name"], p["rel"]) for p in document["people"]] == [("Nông Vui", "author"), ("Hà Linh", "author")]
    assert {(s["name"], s["rel"]) for s in document["subjects"]} == {("Thời sự", "section"), ("Cầu đường", "about")}
    lead, second = document["associations"]
    assert lead["name"] == "featureimage" and lead["type"] == "picture" and lead["by"] == "Ảnh: Hà Linh"
    assert {"role": "caption", "value": "Cầu mới."} in lead["descriptions"]
    assert {"role": "alt", "value": "Cây cầu mới"} in lead["descriptions"]
    assert lead["renditions"][-1]["name"] == "original"
    assert all(r["href"].startswith("http") for r in lead["renditions"])
    assert second["name"] == "photo2"
    assert any(d["role"] == "correction" and "Sửa chiều dài cầu." in d["value"] for d in document["descriptions"])
    assert document["versioncreated"] and document["firstcreated"]


def test_plain_story_without_photos_or_bylines_is_valid_ninjs(client, section):
    """The least a story can have still validates (no empty arrays the schema would not expect)."""
    story = make_article("Tin ngắn", section=section, status=Status.PUBLISHED, sapo="")
    document = ninjs_of(client, story)
    validate(document)
    assert "associations" not in document and document["profile"] == "text-only"


def test_ninjs_of_a_hidden_story_is_not_served(client, section):
    """Drafts and scheduled stories answer 404, a story taken down 410."""
    draft = make_article("Nháp", section=section)
    scheduled = make_article("Hẹn giờ", section=section, status=Status.PUBLISHED,
                             published_at=timezone.now() + timezone.timedelta(hours=2))
    gone = make_article("Đã gỡ", section=section, status=Status.UNPUBLISHED, published_at=timezone.now())
    assert client.get(f"/api/v1/articles/{draft.pk}/ninjs").status_code == 404
    assert client.get(f"/api/v1/articles/{scheduled.pk}/ninjs").status_code == 404
    assert client.get(f"/api/v1/articles/{gone.pk}/ninjs").status_code == 410


def test_byline_roles_map_to_ninjs_people_roles(client, section):
    """A photographer, a translator and a graphic artist beside the writer: each with its rel, and the credit line."""
    writer, photographer = make_author("Nông Vui"), make_author("Hà Linh")
    translator, artist = make_author("Lý Minh"), make_author("Hà Thu")
    story = make_article("Phóng sự ảnh", section=section, status=Status.PUBLISHED, authors=[writer])
    for order, (author, role) in enumerate([(photographer, "photos"), (translator, "translation"),
                                            (artist, "graphics")], start=1):
        Byline.objects.create(article=story, author=author, role=role, order=order)
    document = ninjs_of(client, story)
    validate(document)
    assert [(p["name"], p["rel"]) for p in document["people"]] == [
        ("Nông Vui", "author"), ("Hà Linh", "photographer"), ("Lý Minh", "translator"), ("Hà Thu", "graphic-artist")]
    assert document["by"] == "Bài: Nông Vui - Ảnh: Hà Linh - Đồ họa: Hà Thu - Dịch: Lý Minh"


def test_photos_placed_in_the_text_become_associations_and_carry_their_picture(client, section):
    """A library photo placed in the body: an association with its credit, and an <img> in the body's figure."""
    photo = make_photo(alt_text="Chợ phiên", credit="Ảnh: Hà Linh")
    figure = f'<figure data-photo="{photo.pk}"><figcaption>Chợ phiên Nà Phặc.</figcaption></figure>'
    body = f"<p>Trước.</p>{figure}<p>Sau.</p>"
    story = make_article("Chợ phiên", section=section, status=Status.PUBLISHED, body=body)
    document = ninjs_of(client, story)
    validate(document)
    [association] = document["associations"]
    assert association["by"] == "Ảnh: Hà Linh"
    assert {"role": "caption", "value": "Chợ phiên Nà Phặc."} in association["descriptions"]
    assert '<img src="http://127.0.0.1:8000/media/' in document["bodies"][0]["value"]
    assert 'alt="Chợ phiên"' in document["bodies"][0]["value"]
