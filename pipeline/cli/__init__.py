"""``jixiao``: the command line over the pipeline (``jixiao --help``).

Every command sets ``DAGSTER_HOME`` itself (``pipeline.cli.environment``) and reads the same
environment variables as the pipeline (``JIXIAO_RAW_DIR``, ``JIXIAO_WAREHOUSE`` …); the Makefile's
targets call these commands.
"""

from pipeline.cli.app import app, main

__all__ = ["app", "main"]
