"""Branches: the service stations and offices every user, customer and job belongs to."""
