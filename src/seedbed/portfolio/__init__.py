"""Investments and the portfolio: contracts, milestones, tranches, reports, outcomes (PRODUCT.md part 4)."""
