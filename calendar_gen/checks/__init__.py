"""Checks on a calendar: clashes, the Code of Practice, the compliance figures, drift from
GOV.UK."""
