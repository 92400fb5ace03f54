"""The demo network built from the seed reports (`manage.py load_demo`); no models of its own."""
