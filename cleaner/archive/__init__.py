"""Output formats and their readers."""
