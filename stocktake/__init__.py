"""stocktake: children's services stocktakes and joint reviews from the terminal."""

__version__ = "0.1.0"
