"""Corpus tests: every scraped story in $NEWSROOM_CORPUS (CI: ../shared/corpus) imports and reads right."""
import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.importers import read_story_file, source_key_for
from articles.models import Article
from tests.pagetext import figures, visible_text

CORPUS = os.environ.get("NEWSROOM_CORPUS", "")
FILES = sorted(Path(CORPUS).glob("*.txt")) if CORPUS else []

pytestmark = pytest.mark.skipif(not CORPUS, reason="set NEWSROOM_CORPUS to a folder of scraped stories")


def test_corpus_folder_has_stories():
    """The corpus folder named by NEWSROOM_CORPUS exists and holds stories (a typo must not pass silently)."""
    assert FILES, f"no .txt files in {CORPUS}"


@pytest.mark.django_db
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_corpus_story_imports_and_renders(client, path):
    """The page shows the sapo once, each caption once in a figure with its photo, the byline, no 'Xem thêm' body."""
    call_command("import_article", str(path), "--status", "published", stdout=io.StringIO())
    story = read_story_file(path)
    article = Article.objects.get(source_key=source_key_for(path))
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    text = visible_text(html)

    assert text.count(article.title) >= 1
    if story.sapo:
        assert text.count(story.sapo) == 1, "the sapo must show exactly once"
    page_figures = figures(html)
    for caption in story.captions:
        assert text.count(caption.text) == 1, f"caption shown {text.count(caption.text)} times: {caption.text}"
        assert any(caption.text in f["caption"] and f["alt"] for f in page_figures), "caption not beside its photo"
    for name in story.bylines:
        assert name in text
    assert "Xem thêm" not in article.body
    for paragraph in story.paragraphs:
        assert paragraph in text
