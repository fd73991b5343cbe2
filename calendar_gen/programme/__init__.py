"""The schedules folder as people write it: reading and validating it, starting a programme,
learning one from past dates."""
