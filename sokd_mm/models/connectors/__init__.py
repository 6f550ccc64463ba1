from .conv_reg import ConnectorShapeError, ConvRegConnector, ThreeBlockConvRegConnector

__all__ = ["ConvRegConnector", "ThreeBlockConvRegConnector", "ConnectorShapeError"]
