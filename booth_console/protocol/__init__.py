"""Pure protocol code: JSON, signing, AES, enums, wire models and the endpoint table.

Nothing in this package imports Qt or performs I/O.
"""
