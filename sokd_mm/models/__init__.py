from . import algorithms, backbones, classifiers, connectors, distillers, losses  # noqa: F401
