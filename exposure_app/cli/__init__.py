"""The command-line interface: the same engine as the GUI, for scripting."""
