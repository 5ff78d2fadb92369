"""Image uploads under load: Pillow's pixel limit is the app's, set once, whatever runs beside it."""

import threading

import pytest
from PIL import Image

from intranet import create_app
from intranet.attachments.service import MAX_PIXELS, check_image
from intranet.errors import Invalid
from tests.conftest import image_bytes


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_the_pixel_limit_holds_for_every_upload_while_others_decode_beside_it():
    """Four threads upload at once (gunicorn's threads); a 48-megapixel image is always refused.

    The limit used to be changed and restored around each decode: a finishing upload could put
    Pillow's default (89 MP) back while another was being checked.
    """
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    heavy = image_bytes((8000, 6000), "PNG")  # 48 MP, a few kB
    small = image_bytes((64, 48), "JPEG")
    seen_limits, accepted_heavy, errors = set(), [], []
    running = True

    def watch():
        while running:
            seen_limits.add(Image.MAX_IMAGE_PIXELS)

    def upload(data, rounds):
        with app.test_request_context():
            for _ in range(rounds):
                try:
                    check_image(data, "photo")
                    if data is heavy:
                        accepted_heavy.append(1)
                except Invalid:
                    if data is small:
                        errors.append("a small photo was refused")

    watcher = threading.Thread(target=watch)
    watcher.start()
    threads = [threading.Thread(target=upload, args=(small, 200)) for _ in range(3)]
    threads.append(threading.Thread(target=upload, args=(heavy, 20)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    running = False
    watcher.join()
    assert accepted_heavy == [] and errors == []
    assert seen_limits == {MAX_PIXELS}, "Pillow's limit changed while uploads ran"
