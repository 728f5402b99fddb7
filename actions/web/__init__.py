"""The knowledge service's web pages (server-rendered, Jinja2, no build chain)."""
