"""Writing the two folders safely: all-or-nothing writes, the lock and journal, edits that keep
comments, and reading back calendar-gen's own files."""
