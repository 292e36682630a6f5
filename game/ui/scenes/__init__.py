"""The game's screens: title → level select → play (+ pause) → results → high scores."""
