"""The bench's same-bytes floor (bench/views.py) and the verdicts made on it (bench/report.py)."""
import pytest
from django.http import Http404
from django.test import RequestFactory

from bench import report, views


@pytest.fixture
def saved_page(tmp_path, monkeypatch):
    monkeypatch.setattr(views, "SAME_BYTES_DIR", tmp_path)
    monkeypatch.setattr(views, "_same_bytes", {})
    content = "<!doctype html><p>Tin nóng: mưa lớn ở Tuy Hòa</p>".encode() * 50
    (tmp_path / "article_warm.html").write_bytes(content)
    return content


def test_same_bytes_floor_answers_the_saved_page(saved_page):
    response = views.same_bytes(RequestFactory().get("/"), "article_warm")
    assert response.status_code == 200
    assert response.content == saved_page
    assert response["Content-Type"] == "text/html; charset=utf-8"


@pytest.mark.parametrize("name", ["missing", "../settings", "Article"])
def test_same_bytes_floor_answers_nothing_else(saved_page, name):
    with pytest.raises(Http404):
        views.same_bytes(RequestFactory().get("/"), name)


def _result(**article_warm):
    pages = {"floor": {"loaded": {"rps": 1000.0}},
             "article_warm": {"label": "Article, cache warm", "loaded": {"rps": 600.0, "p95_ms": 9.0}, **article_warm}}
    return {"pages": pages, "cold": {}, "uncached": {}, "queries": {"small": {}, "big": {}}}


def _warm_target(result):
    return next(t for t in report.targets(result) if t["target"].startswith("Warm article"))


def test_verdict_is_on_the_same_bytes_floor_with_the_small_floor_noted():
    target = _warm_target(_result(floor_nearby_rps=1000.0, same_bytes_nearby_rps=700.0))
    assert target["measured"] == "0.86"
    assert target["verdict"] == "PASS"
    assert "vs the small floor (1000 req/s): 0.60" in target["note"]


def test_verdict_falls_back_to_the_small_floor_when_the_same_bytes_one_was_not_measured():
    target = _warm_target(_result(floor_nearby_rps=1000.0))
    assert (target["measured"], target["verdict"]) == ("0.60", "MISS")
    assert "small floor measured around it" in target["note"]


def _slice(requests, seconds=2.0, status_errors=0):
    return {"requests": requests, "seconds": seconds, "rps": requests / seconds, "status_errors": status_errors}


def test_verdict_is_on_the_interleaved_slices_with_the_long_run_noted():
    """Page and floor slices taken in turn: the verdict is the ratio of their sums; the note keeps each round's ratio
    and the long run's (bench/__main__.py: interleaved_ratio)."""
    from bench.__main__ import interleaved_ratio

    slices = {"floor": [_slice(2000), _slice(2200), _slice(1800), _slice(2000)],
              "page": [_slice(1600), _slice(1500), _slice(1700)]}
    interleaved = interleaved_ratio(slices)
    assert interleaved["ratio"] == round((4800 / 6) / (8000 / 8), 3)  # 0.8
    assert interleaved["rounds"] == [round(800 / 1050, 3), round(750 / 1000, 3), round(850 / 950, 3)]
    target = _warm_target(_result(floor_nearby_rps=1000.0, same_bytes_nearby_rps=700.0, interleaved=interleaved))
    assert (target["measured"], target["verdict"]) == ("0.80", "PASS")
    assert "the long run against the floor measured around it: 0.86" in target["note"]
    assert "0.762, 0.750, 0.895" in target["note"]


def test_an_interleaved_slice_with_bad_statuses_is_no_pass():
    from bench.__main__ import interleaved_ratio

    slices = {"floor": [_slice(1000), _slice(1000)], "page": [_slice(1000, status_errors=3)]}
    target = _warm_target(_result(same_bytes_nearby_rps=1000.0,
                                  interleaved=interleaved_ratio(slices)))
    assert target["verdict"] == "MISS" and "3 bad status" in target["note"]
