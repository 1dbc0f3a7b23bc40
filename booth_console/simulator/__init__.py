"""booth_console.simulator"""
