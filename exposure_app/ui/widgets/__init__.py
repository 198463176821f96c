"""Small reusable widgets (cards, badges, the message banner)."""
