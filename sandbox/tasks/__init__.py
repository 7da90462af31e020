"""Task families and the task registry."""
