"""torch's native libraries opened without the interpreter lock, before ``import torch``."""

import os

import pytest


@pytest.mark.skipif(os.name != "posix", reason="dlopen is POSIX's")
def test_torch_imports_and_trains_after_its_libraries_were_preloaded(python):
    code = ("import sys\nfrom mechgui.app.libraries import preload_torch\n"
            "assert preload_torch() and 'torch' not in sys.modules\n"
            "from mechgui import engine\n"
            "gan = engine.create('gan', seed=1); gan.step(3)\n"
            "print(gan.snapshot()['step'])\n")
    assert python(code).strip() == "3"


def test_preloading_when_torch_is_already_imported_does_nothing(python):
    code = ("import torch\nfrom mechgui.app.libraries import preload_torch\n"
            "print(preload_torch())\n")
    assert python(code).strip() == "True"
