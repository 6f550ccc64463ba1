"""A RepDistiller/mdistiller checkpoint converted by the tool gives the same logits in our
classifier as in the original network definition."""
import pytest
import torch

import repdistiller_archs as rd
from sokd_mm.utils.complexity import build_base_classifier
from tests.conftest import PYTHON, REPO, run_tool


@pytest.mark.parametrize('arch,factory,wrap', [
    ('resnet20', rd.rd_resnet20, 'model'),
    ('resnet8x4', rd.rd_resnet8x4, 'bare'),
    ('wrn_16_2', rd.rd_wrn_16_2, 'model'),
    ('vgg8', rd.rd_vgg8, 'model'),
])
def test_converted_checkpoint_reproduces_original_logits(tmp_path, arch, factory, wrap):
    torch.manual_seed(0)
    original = factory()
    # Non-trivial BN statistics, so that a mis-mapped buffer changes the output.
    original.train()
    with torch.no_grad():
        for _ in range(3):
            original(torch.randn(8, 3, 32, 32))
    original.eval()
    src, dst = tmp_path / 'src.pth', tmp_path / 'dst.pth'
    state = original.state_dict()
    torch.save({'model': state, 'epoch': 240} if wrap == 'model' else state, src)
    run_tool([PYTHON, f'{REPO}/tools/model_converters/convert_repdistiller.py', arch, str(src),
              str(dst)])
    ours = build_base_classifier(arch).eval()
    ours.load_state_dict(torch.load(dst)['state_dict'], strict=True)
    x = torch.randn(4, 3, 32, 32)
    with torch.no_grad():
        assert torch.allclose(ours(x, mode='tensor'), original(x), atol=1e-5)


def test_wrong_architecture_is_refused(tmp_path):
    src = tmp_path / 'src.pth'
    torch.save({'model': rd.rd_resnet20().state_dict()}, src)
    proc = run_tool([PYTHON, f'{REPO}/tools/model_converters/convert_repdistiller.py', 'resnet56',
                     str(src), str(tmp_path / 'dst.pth')], check=False)
    assert proc.returncode != 0
    assert 'does not match RepDistiller' in proc.stderr and 'missing' in proc.stderr


def test_in_process_conversion_works_under_the_mmrazor_scope(tmp_path):
    from mmengine.registry import DefaultScope

    from sokd_mm.utils.convert_repdistiller import convert_checkpoint
    torch.manual_seed(0)
    original = rd.rd_resnet20()
    src, dst = tmp_path / 'src.pth', tmp_path / 'dst.pth'
    torch.save({'model': original.state_dict()}, src)
    # what a distillation run (default_scope='mmrazor') leaves as the current scope
    DefaultScope.get_instance('convert_under_mmrazor', scope_name='mmrazor')
    with DefaultScope.overwrite_default_scope('mmrazor'):
        convert_checkpoint('resnet20', str(src), str(dst))
    converted = torch.load(dst)['state_dict']
    assert torch.equal(converted['head.fc.weight'], original.state_dict()['fc.weight'])
