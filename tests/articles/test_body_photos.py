"""Library photos placed in a story's text: the sanitiser keeps exactly the figure that names one (its id and
a plain-text caption) and nothing more, and the public page shows the photo where it stands, with its responsive
<picture>, alt text, caption and credit."""
import pytest

from articles.models import Status
from articles.richtext import sanitize_html
from mostread import ranking
from tests.factories import make_article, make_caption, make_photo
from tests.pagetext import figures, visible_text
from tests.security.htmlcheck import elements, script_problems

pytestmark = pytest.mark.django_db


def placed(photo_id, caption=""):
    return f'<figure data-photo="{photo_id}"><figcaption>{caption}</figcaption></figure>'


@pytest.mark.parametrize("sent,kept", [
    # what the editor's widget sends: kept as it is
    (placed(12, "Chợ phiên Bắc Hà"), placed(12, "Chợ phiên Bắc Hà")),
    # anything else on or in the figure goes; the caption is plain text
    ('<figure data-photo="12" class="x" style="color:red" onclick="alert(1)" id="a"><img src="x" '
     'onerror="alert(1)"><figcaption>Chú <b>thích</b> <a href="javascript:alert(1)">đây</a></figcaption></figure>',
     placed(12, "Chú thích đây")),
    ('<figure data-photo="12"><figcaption>&lt;script&gt;alert(1)&lt;/script&gt;</figcaption></figure>',
     placed(12, "&lt;script&gt;alert(1)&lt;/script&gt;")),
    ('<figure data-photo="12"><figcaption><script>alert(1)</script>Ảnh</figcaption></figure>', placed(12, "Ảnh")),
    ('<figure data-photo="12"><p>đoạn văn giấu trong ảnh</p><iframe src="//x"></iframe></figure>', placed(12)),
    ('<figure data-photo="5"><figure data-photo="6"><figcaption>trong</figcaption></figure>'
     '<figcaption>ngoài</figcaption></figure>', placed(5, "trong ngoài")),
    # a photo id is a positive number, nothing else
    ('<figure data-photo="0"><figcaption>a</figcaption></figure>', "<figure><figcaption>a</figcaption></figure>"),
    ('<figure data-photo="1 onload=alert(1)"><figcaption>a</figcaption></figure>',
     "<figure><figcaption>a</figcaption></figure>"),
    ('<figure data-photo="../../1"><figcaption>a</figcaption></figure>', "<figure><figcaption>a</figcaption></figure>"),
    ('<figure data-photo="1' + "0" * 30 + '"><figcaption>a</figcaption></figure>',
     "<figure><figcaption>a</figcaption></figure>"),
    # only a figure may name a photo; a figure without one is an ordinary figure
    ('<p data-photo="3">chữ</p><img data-photo="3" src="x">', "<p>chữ</p>"),
    ("<figure><figcaption>Bảng số liệu</figcaption></figure>", "<figure><figcaption>Bảng số liệu</figcaption></figure>"),
    # a figure opened inside a paragraph ends the paragraph, as a browser would read it
    (f'<p>trước{placed(3, "x")}sau</p>', f'<p>trước</p>{placed(3, "x")}sau<p></p>'),
])
def test_sanitiser_keeps_exactly_the_photo_figure(sent, kept):
    """Every variant comes out as the canonical figure (or an ordinary one), with no script, and unchanged by a
    second pass."""
    clean = sanitize_html(sent)
    assert clean == kept
    assert script_problems(clean) == []
    assert sanitize_html(clean) == clean
    for tag, attributes in elements(clean):
        assert tag != "img" and set(attributes) <= ({"data-photo"} if tag == "figure" else set())


def test_public_page_shows_a_placed_photo_where_it_stands(client, section):
    """The photo placed between the first and second paragraphs is shown there, with its renditions, alt text,
    the caption written in the text and the photo's credit."""
    photo = make_photo(alt_text="Phiên chợ vùng cao", credit="Ảnh: Nông Vui", width=1000, height=600)
    article = make_article(section=section, status=Status.PUBLISHED, body=(
        f"<p>Đoạn một của bài.</p>{placed(photo.pk, 'Người dân đi chợ phiên &amp; bán hàng')}<p>Đoạn hai.</p>"))
    html = client.get(article.get_absolute_url()).content.decode()
    assert figures(html) == [{"alt": "Phiên chợ vùng cao", "caption": "Người dân đi chợ phiên & bán hàng Ảnh: Nông Vui"}]
    text = visible_text(html)
    assert text.index("Đoạn một") < text.index("Người dân đi chợ phiên") < text.index("Đoạn hai")
    assert "480w" in html and "image/webp" in html and 'data-photo' not in html


def test_a_placed_photo_deleted_from_the_library_is_left_out(client, section):
    """A figure naming a photo that no longer exists shows nothing, and the page still answers."""
    article = make_article(section=section, status=Status.PUBLISHED,
                           body=f"<p>Đoạn một.</p>{placed(987654, 'Ảnh đã xóa')}<p>Đoạn hai.</p>")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert figures(response.content.decode()) == [] and "Ảnh đã xóa" not in visible_text(response.content.decode())


def test_placed_photos_cost_one_query_whatever_their_number(client, section, django_assert_max_num_queries):
    """Ten photos in the text take two queries more than none to render the story (the photos, then all their
    renditions); its first read here renders it (the test never commits) and stores it with its keys."""
    body = "".join(f"<p>Đoạn {n}.</p>{placed(make_photo().pk, f'Ảnh {n}')}" for n in range(10))
    article = make_article(section=section, status=Status.PUBLISHED, body=body)
    make_caption(article, is_lead=True)
    url = article.get_absolute_url()
    client.get("/robots.txt")
    ranking.ranking_ids()  # the most-read list is recomputed once per NEWSROOM_MOST_READ_SECONDS, not per page
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200
    assert len(figures(client.get(url).content.decode())) == 11


def test_changing_a_placed_photo_refreshes_the_public_page(client, section):
    """A new credit for a photo placed in a published story's text reaches the cached page at once."""
    photo = make_photo(credit="Ảnh: A")
    article = make_article(section=section, status=Status.PUBLISHED, body=f"<p>Đoạn.</p>{placed(photo.pk)}")
    url = article.get_absolute_url()
    assert "Ảnh: A" in client.get(url).content.decode()
    photo.credit = "Ảnh: Bạn đọc gửi"
    photo.save()
    assert "Ảnh: Bạn đọc gửi" in client.get(url).content.decode()
