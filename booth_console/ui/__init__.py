"""booth_console.ui"""
