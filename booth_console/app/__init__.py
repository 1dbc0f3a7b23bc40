"""booth_console.app"""
