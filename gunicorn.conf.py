"""gunicorn reads this from the working directory: each worker loads, as it starts, what the first
request would otherwise wait for."""

import gc
import threading
import time


def post_worker_init(worker):
    # jieba's dictionary takes most of a second to load: without this the first search of every
    # worker would wait for it. A thread, so the worker answers other pages meanwhile.
    def load():
        from intranet.kb.search import segment

        started = time.perf_counter()
        segment.warm_up()
        # The dictionary and the app are ~175,000 objects that live as long as the worker: out of the
        # collector's sight, a full collection takes microseconds instead of ~70 ms in some request.
        gc.freeze()
        worker.log.info("search dictionary loaded in %.1f s", time.perf_counter() - started)

    threading.Thread(target=load, name="warm-up", daemon=True).start()
