"""Level rules, sessions, progress and the score store. No pygame here."""
