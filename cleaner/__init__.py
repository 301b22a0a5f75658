"""cleaner: boilerplate-stripping article cleaner and archiver."""

__version__ = "0.1.0"
TOOL = f"article-cleaner {__version__}"

__all__ = ["TOOL", "Cleaner", "__version__"]


def __getattr__(name: str) -> object:
    """``from cleaner import Cleaner`` imports the cleaning machinery only when it is asked
    for: ``cleaner --version`` and the CLI's start stay light."""
    if name == "Cleaner":
        from cleaner.api import Cleaner

        return Cleaner
    raise AttributeError(f"module 'cleaner' has no attribute {name!r}")
