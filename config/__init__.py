"""Typed environment configuration: environments/*.yaml -> validated `Environment` objects."""

# config.model imports its sub-models (config.monitoring, config.admission), which build on the
# blocks config.model defines first; loading config.model with the package keeps that order
# whichever module is imported first.
from config import model as _model  # noqa: F401
