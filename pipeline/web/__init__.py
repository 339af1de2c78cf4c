"""The upload portal for the commune's units (FastAPI, server-rendered Jinja2 pages)."""
