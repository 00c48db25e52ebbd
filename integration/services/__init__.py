"""Application services: plain functions over a session, dependencies passed in."""
