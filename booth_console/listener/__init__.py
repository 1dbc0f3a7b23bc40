"""The embedded callback listener (no Qt here; the Qt signals live in ``booth_console.app.callbacks``).

Modules (import them directly; this package imports nothing, so ``import booth_console.listener``
stays cheap before the first window is shown):

* :mod:`~booth_console.listener.processor`: ``CallbackProcessor`` - checks, journals and
  dispatches one body; shared by HTTP (V2.0) and MQTT (V3.0); ``ReceivedCallback``.
* :mod:`~booth_console.listener.server`: ``CallbackListener`` - the aiohttp server.
* :mod:`~booth_console.listener.stack`: ``start_listener(cfg, sink=hub.sink, ...)`` - journal,
  processor and listener from the configuration in one call.
* :mod:`~booth_console.listener.registration`: ``register_callbacks`` (SetCallbackParams).
* :mod:`~booth_console.listener.cli`: ``booth-console callbacks``.
* :mod:`~booth_console.listener.standalone`: a headless listener process (no Qt).
* :mod:`~booth_console.listener.samples`: the document's example callbacks, re-signable.
* :mod:`~booth_console.listener.mqtt_subscriber`: ``CallbackSubscriber`` - callbacks over MQTT
  (V3.0) into the same processor.
* :mod:`~booth_console.listener.republish`: ``Republisher`` - HTTP callbacks republished to the
  broker for other booths.
* :mod:`~booth_console.listener.mqtt`: ``attach_console`` - both of the above from the
  configuration; ``request_repush`` after a lost broker session.
"""
