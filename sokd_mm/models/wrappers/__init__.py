from .sync_bn_ddp import (CPUDistributedDataParallel, GlooSyncBatchNorm,
                          convert_to_gloo_sync_bn)

__all__ = ['CPUDistributedDataParallel', 'GlooSyncBatchNorm', 'convert_to_gloo_sync_bn']
