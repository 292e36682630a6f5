"""The pygame front end: scenes, HUD, effects. The only layer that imports pygame."""
