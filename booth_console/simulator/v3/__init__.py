"""The simulated parking server's V3.0 side: requests from the MQTT broker, callbacks to it.

Modules:
    server: ``MqttServer`` answers the request topic with a handler and publishes callbacks.
    relay: ``CallbackRelay`` receives the simulator's HTTP callbacks and publishes them.
    bridge: ``SimulatorBridge`` puts both in front of a running V2.0 simulator.

Only ``booth-console simulate --mqtt-host``, the demo and the tests load this package.
"""
