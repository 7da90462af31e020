"""The sandbox command-line interface."""
