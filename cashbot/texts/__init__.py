"""Everything a bot user reads, in one folder, one module per flow.

The interface is Russian. An English set would mirror these modules under the same names and
be selected by `language` in the config.
"""
