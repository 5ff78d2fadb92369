"""Text answers are gzipped for clients that accept it; small or binary ones are not."""

import gzip


def test_pages_and_static_text_are_gzipped(client):
    page = client.get("/login", headers={"Accept-Encoding": "gzip, deflate"})
    assert page.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in page.headers["Vary"]
    assert b"<html" in gzip.decompress(page.data)
    script = client.get("/static/vendor/htmx-2.0.11.min.js", headers={"Accept-Encoding": "gzip"})
    assert script.headers["Content-Encoding"] == "gzip"
    assert len(script.data) < 20_000 < len(gzip.decompress(script.data))


def test_no_gzip_without_asking_or_for_small_answers(client):
    assert "Content-Encoding" not in client.get("/login").headers
    assert "Content-Encoding" not in client.get("/healthz", headers={"Accept-Encoding": "gzip"}).headers


def test_a_static_file_is_compressed_once_per_version(client, monkeypatch):
    from intranet import PROJECT_ROOT, compression

    calls = []
    original = compression.gzip.compress
    monkeypatch.setattr(compression.gzip, "compress", lambda data, **kw: calls.append(1) or original(data, **kw))
    compression._static_gzip.clear()
    answers = [client.get("/static/css/app.css", headers={"Accept-Encoding": "gzip"}) for _ in range(3)]
    assert len(calls) == 1  # compressed by the first request, kept for the next ones
    expected = (PROJECT_ROOT / "static" / "css" / "app.css").read_bytes()
    for answer in answers:
        assert answer.headers["Content-Encoding"] == "gzip"
        assert int(answer.headers["Content-Length"]) == len(answer.data)
        assert gzip.decompress(answer.data) == expected
