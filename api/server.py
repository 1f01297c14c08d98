"""The HTTP server the service runs on: waitress (Flask's development server with ``--debug``).

The web layer's own: the domain (``qhfin``) starts the engine and checks the build (``qhfin.serve``); this module
puts the WSGI app on a socket.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from qhfin.config import Config


def run(app: Callable, config: Config, started: float, channel: type | None = None) -> None:
    """Serve ``app``: waitress unless ``debug`` (then Flask's reloading development server). ``channel``, a
    subclass of waitress's HTTPChannel, is how the web layer reads request lines and words waitress's refusals."""
    url = f"http://{config.host}:{config.port}/"
    print(f"qhfin 已就绪 / ready in {time.monotonic() - started:.2f} s: {url}  (SPARQL: {url}sparql)", flush=True)
    if config.debug:
        app.run(host=config.host, port=config.port, debug=True, use_reloader=False)  # type: ignore[attr-defined]
        return
    import waitress

    threads = max(16, 4 * config.workers)  # a thread waiting on a worker or a lane costs little; a missing one queues everyone
    sockets: dict = {}
    # outbuf_overflow: waitress spools an answer over 1 MB (its default) to a temporary file before sending it;
    # answers are bounded by the row limit, so they are kept in memory up to 32 MB
    # connection_limit: a slow client costs a slot, not a thread (waitress reads asynchronously); the channel evicts
    # idle and slow connections long before the limit (api.wire), so it is set high, well under the fd limit
    server = waitress.create_server(app, map=sockets, host=config.host, port=config.port, threads=threads,
                                    connection_limit=1024, channel_timeout=max(30, int(config.time_limit) + 5),
                                    cleanup_interval=5, outbuf_overflow=32 * 1024 * 1024, ident="qhfin")
    if channel is not None:
        channel = type(channel.__name__, (channel,), {"request_deadline": config.request_deadline})
    for listener in list(sockets.values()):  # one per address the host name resolves to
        if channel is not None and hasattr(listener, "channel_class"):
            listener.channel_class = channel
    server.run()
