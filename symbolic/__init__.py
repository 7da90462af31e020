"""The symbolic rule learner."""
