"""Writes of the network, one module per capability; `from tierslieux.network import services` gives them all."""

from .events import *  # noqa: F403
from .imports import *  # noqa: F403
from .mentoring import *  # noqa: F403
from .offers import *  # noqa: F403
from .resources import *  # noqa: F403
