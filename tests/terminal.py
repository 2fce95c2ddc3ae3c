"""Child processes started as from a terminal, where Ctrl-C (SIGINT) is not ignored.

A shell starts a background job with SIGINT ignored, and a child inherits that: a test
suite run in the background would otherwise test a process that cannot hear Ctrl-C."""

import signal


def hears_ctrl_c() -> None:
    """``preexec_fn`` for ``subprocess.Popen``: SIGINT back to its default in the child."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
