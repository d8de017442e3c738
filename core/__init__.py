"""The bottom layer every stage shares: the data model, typed config, paths and errors.

Nothing here imports a stage (``sync``, ``transform``, ``render``) or the command line.
"""
