"""qhfin: the tasks of Qinghai's 14th Five-Year Financial Industry Development Plan as a knowledge graph.

The domain package: it never imports Flask (the web layer in ``api/`` depends on it, not the reverse).
"""

__version__ = "1.0.0"
