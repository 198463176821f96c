"""Report writers (CSV, Markdown): pure formatting of service results."""
