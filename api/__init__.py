"""The web layer: a thin Flask package over ``qhfin`` (blueprints, one error handler, templates, static files).

``create_app(config)`` is the only entry point; nothing is read from the environment or the disk at import time.
Blueprints: ``api.sparql`` (SPARQL 1.1 Protocol at /sparql), ``api.rest`` (JSON API under /api), ``api.pages``
(pages for people), ``api.linked_data`` (/id/… dereferencing, dumps, /.well-known/void).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from qhfin.config import Config
from qhfin.engine import Engine
from qhfin.version import graph_version

from . import limits
from .direct import Direct
from .errors import register_error_handlers
from .origin import PublicOrigin
from .replay import Replay
from .state import State


def create_app(config: Config | None = None, engine: Engine | Callable[[], Engine] | None = None) -> Flask:
    """The app; ``engine``, when given, is a query engine already started, or a function that gives it once it
    has (``qhfin serve`` starts it while the app is made; tests hand in one they share, so no test patches
    anything)."""
    config = config or Config.from_env()
    app = Flask(__name__)
    app.config["QHFIN"] = config
    # request bodies: a 1 MiB query (query_size_limit) form-encoded may take three times that
    app.config["MAX_CONTENT_LENGTH"] = max(4 * 1024 * 1024, 3 * config.query_size_limit + 4096)
    register_error_handlers(app)
    limits.register(app)
    from . import blueprints

    blueprints.register(app)
    state = app.extensions["qhfin"] = State(config, engine)
    # a plain query answered before Flask by the same rules (``api.direct``); then the engine's answers replayed
    # for a request already answered (same budget as the engine's cache)
    direct = Direct(app.wsgi_app, lambda: state.engine, app.config["MAX_CONTENT_LENGTH"])
    app.wsgi_app = Replay(PublicOrigin(direct, config.public_url),  # type: ignore[method-assign]
                          config.result_cache_mb * 1024 * 1024, version=graph_version(config))
    return app
