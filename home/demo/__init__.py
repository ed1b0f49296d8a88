"""Demo content of the network's site (make demo): not part of the plugin."""
