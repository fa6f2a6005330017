"""Writing files safely: the one atomic writer (and its disk-full error) for the store and for
files going out to people, and the private folders they are written into.
"""
