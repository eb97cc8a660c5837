"""SQL text from catalog objects, through the Jinja templates."""
