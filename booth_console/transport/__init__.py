"""booth_console.transport"""
