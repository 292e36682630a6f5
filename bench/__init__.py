"""Speed figures for Glutes High: ``python -m bench`` prints a table, writes results.json."""
