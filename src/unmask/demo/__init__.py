"""The fictional demo: `make demo` loads an invented record (record.py, drawn by plan.py from
world.py), an invented campaign (campaign.py) and the site's texts as pages (pages.py), through
the commands demo_data, demo_campaign and demo_pages. Every page says when the demo is loaded
(context_processors.py)."""
