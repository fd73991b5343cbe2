"""The announcement record: what was announced and every change since, its text, its seals and
the promise a build keeps to what was published."""
