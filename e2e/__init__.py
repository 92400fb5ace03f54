"""Browser journeys: headless Chromium (Debian's) driven by Playwright against pytest-django's live server."""
