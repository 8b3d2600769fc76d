"""Fund pages: the overview, a fund with its movements, statements, journal entries, payment requests,
recording money and commitments, a fund's rules, a donor's statement.

Only people who may see the ledger (``access.can_view_ledger``) open any of them; only finance officers
record money, and the services check four-eyes on the locked row. ``urls.py`` names each submodule.
"""
