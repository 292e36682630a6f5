"""The pygame front end: scenes, HUD, effects. The only layer that imports pygame."""

import os

# pygame prints a greeting on import; the player should see only the game's own messages.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
