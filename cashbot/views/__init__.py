"""Views: pure functions from service results to (text, keyboard). No I/O, no aiogram calls."""
