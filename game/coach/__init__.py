"""Pure-numpy biomechanics: measurements, rep detection, faults, scores and cues."""
