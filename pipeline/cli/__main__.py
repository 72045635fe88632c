"""``python -m pipeline.cli …``: the same as the ``jixiao`` console script."""

from pipeline.cli import main

main()
