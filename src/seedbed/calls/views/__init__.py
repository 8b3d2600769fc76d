"""Call pages, one module per area; ``calls/urls.py`` names them."""
