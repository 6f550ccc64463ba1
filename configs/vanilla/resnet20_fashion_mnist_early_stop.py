# ResNet20 on Fashion-MNIST, early-stopped: trained on the first 55,000 training images, the
# last 5,000 held out and scored every epoch; the best held-out checkpoint is kept next to the
# last (best_accuracy_top1_epoch_N.pth), to distil from. The test split is untouched.
_base_ = ['./resnet20_fashion_mnist.py']
from sokd_mm.utils import early_stopping  # noqa: E402

train_dataloader, val_dataloader, train_cfg, default_hooks = early_stopping(55000, 60000)
