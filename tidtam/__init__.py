"""tidtam (ติดตาม): follow-up on BMA directives, from Google Form reports to a dashboard."""

__version__ = "0.1.0"
