"""``python -m mechgui``: the desktop app, or ``python -m mechgui run …`` headless."""

from mechgui.cli import main

raise SystemExit(main())
