"""Rasa custom actions and the knowledge service's FastAPI app."""
