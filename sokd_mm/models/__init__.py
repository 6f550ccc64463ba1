from . import (algorithms, backbones, classifiers, connectors, distillers,  # noqa: F401
               losses, wrappers)
