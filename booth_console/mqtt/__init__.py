"""V3.0 over MQTT: topics, the paho connection, the server-side adapter, callbacks and fan-out.

Modules:
    topics: default topic names (configurable templates).
    link: one paho-mqtt connection on its own network thread feeding the asyncio loop.
    broker: local mosquitto / embedded brokers for tests and the demo.
    server: the parking-server side (the simulator speaks V3.0 through it).
    subscriber: the console side of callbacks over MQTT.
    republish: republishes HTTP callbacks to the broker for other booths.
    demo_support: wiring for ``booth-console demo --transport mqtt``.

The request transport itself is :class:`booth_console.transport.mqtt.MqttTransport`.
"""
