"""One module per command; each defines a click command with the module's name."""
