"""Pages of the core app. Thin: check access, validate, call one service, render."""
