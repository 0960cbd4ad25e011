"""Rasa input channels (adapters): they turn what a messaging platform sends into user
messages and replies back. Business rules stay in :mod:`bot.services`."""
