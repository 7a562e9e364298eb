"""socplan — planning, networking and financing of social services for a Czech region and its municipalities."""

__version__ = "0.1.0"
