"""Checks of users' data against the decree: a candidate's units or a training programme."""
