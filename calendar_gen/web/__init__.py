"""The edges that talk over a network: the preview server, other producers' calendars and
GOV.UK's Search API."""
