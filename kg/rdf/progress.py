"""A progress bar on stderr for long builds: shown after a second, only on a terminal."""
from __future__ import annotations

import sys
from contextlib import contextmanager


@contextmanager
def progress_bar(quiet: bool = False, label: str = "kg build"):
    """Yield a callback (fraction done, stage) that drives a tqdm bar; quiet or off a terminal it does nothing."""
    if quiet or not sys.stderr.isatty():
        yield lambda done, stage: None
        return
    from tqdm import tqdm

    # delay: a build that finishes within a second never shows the bar
    with tqdm(total=100, desc=label, unit="%", delay=1.0, leave=False, file=sys.stderr,
              bar_format="{desc}{percentage:3.0f}%|{bar}| {elapsed}") as bar:
        def step(done: float, stage: str) -> None:
            bar.set_description(f"{label} ({stage})", refresh=False)
            bar.update(round(100 * done) - bar.n)

        yield step
