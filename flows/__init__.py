"""Prefect orchestration and the command line. No business logic lives here.

Importing this package changes nothing: Prefect's environment is set up by
flows.prefect_env when a command starts.
"""
