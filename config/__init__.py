"""The network's own site: settings, URLs and the WSGI entry point (not part of the plugin)."""
