"""The ``provincialstats_chart`` resource view: a line or bar chart of a DataStore table."""
