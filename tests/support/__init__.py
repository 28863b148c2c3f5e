"""Helpers of the tests and the benchmark: a clean copy of the project, and the built book in headless Chromium."""
