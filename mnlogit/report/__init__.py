"""Rendering of results: text, HTML (and later LaTeX). Reads results, computes nothing."""
