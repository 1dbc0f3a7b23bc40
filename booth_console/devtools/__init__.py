"""Development and demonstration tools: brokers, demo wiring, a headless console callback side.

Modules:
    broker: a local mosquitto process or amqtt's broker in this process (tests, demo, benches).
    mqtt_demo: the broker and the simulator's V3.0 bridge for ``booth-console demo --transport mqtt``.
    demo: the simulator behind ``booth-console demo`` (started, staged, stopped).
    headless: ``python -m booth_console.devtools.headless``, the console's callback side as a
        process (fan-out checks).

The console itself never imports this package; only the demo entry point, tests and benches do.
"""
