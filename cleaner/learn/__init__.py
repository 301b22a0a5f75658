"""Per-site knowledge learned from the user's own pages: a site's template (profile)."""
