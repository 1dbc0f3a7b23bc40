"""booth_console.listener"""
