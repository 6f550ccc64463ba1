from . import algorithms, backbones, connectors, distillers, losses  # noqa: F401
