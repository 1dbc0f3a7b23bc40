"""Pure protocol code: JSON, signing, AES, enums, wire models, the endpoint table, MQTT topics.

Nothing in this package imports Qt or performs I/O.
"""
