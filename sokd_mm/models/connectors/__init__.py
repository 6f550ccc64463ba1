from .conv_reg import ConnectorShapeError, ConvRegConnector

__all__ = ['ConvRegConnector', 'ConnectorShapeError']
