"""The map's steps: each takes one document and gives it back changed, or a reject."""
