"""dramagen: writes vertical micro dramas (60–90 s episodes) from a genre trope."""

__version__ = "0.1.0"
