"""Loading an engine's libraries on its thread without holding the GUI thread.

``import torch`` spends about half a second in the static initialisers of libtorch while
holding Python's interpreter lock, a freeze of the window even though the import runs on
an engine thread.  Opening the same libraries first through the C library's ``dlopen``,
called with ctypes (which releases the lock around foreign calls), runs those initialisers
without the lock; the import then finds them loaded.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import sys
from pathlib import Path

__all__ = ["preload_torch"]

#: torch's native libraries, dependencies first (each also loads what it links).
_TORCH_LIBRARIES = ("c10", "torch_cpu", "torch")


def preload_torch() -> bool:
    """Open torch's native libraries without the interpreter lock (POSIX systems); True if
    they are open now.  Harmless where it cannot: ``import torch`` then loads them itself."""
    if "torch" in sys.modules or os.name != "posix":
        return "torch" in sys.modules
    spec = importlib.util.find_spec("torch")
    if spec is None or not spec.submodule_search_locations:
        return False
    folder = Path(next(iter(spec.submodule_search_locations))) / "lib"
    suffix = ".dylib" if sys.platform == "darwin" else ".so"
    try:
        libc = ctypes.CDLL(None)
        dlopen = libc.dlopen
    except (OSError, AttributeError):
        return False
    dlopen.restype = ctypes.c_void_p
    dlopen.argtypes = [ctypes.c_char_p, ctypes.c_int]
    for name in _TORCH_LIBRARIES:
        path = folder / f"lib{name}{suffix}"
        if not path.is_file() or not dlopen(os.fsencode(path), os.RTLD_NOW | os.RTLD_GLOBAL):
            return False
    return True
