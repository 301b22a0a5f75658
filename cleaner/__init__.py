"""cleaner: boilerplate-stripping article cleaner and archiver."""

__version__ = "0.1.0"
TOOL = f"article-cleaner {__version__}"
