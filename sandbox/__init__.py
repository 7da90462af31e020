"""The shared floor: tasks, the learner protocol, the comparator, reports and the CLI."""

__version__ = "0.1.0"
