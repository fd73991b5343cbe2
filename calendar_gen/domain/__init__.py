"""The domain: periods, publications, rules, working days, the kinds of change, releases and
the words each language writes them in."""
