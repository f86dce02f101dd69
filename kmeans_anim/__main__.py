"""``python -m kmeans_anim``: the same as the ``kmeans-anim`` command."""

from .cli import main

raise SystemExit(main())
