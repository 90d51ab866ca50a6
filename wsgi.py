"""The app gunicorn serves: ``gunicorn wsgi:app``."""
import gc

from webapp import create_app

app = create_app()
# What is loaded by now lives as long as the process. Frozen, it is left out of the garbage
# collector's full collections, which would otherwise walk it all (tens of milliseconds, every
# request of that worker waiting) and, under --preload, copy each worker's share of it.
gc.freeze()
