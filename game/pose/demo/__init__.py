"""The demo athlete: a simulated person squatting (or holding a posture: ``demo?hold=stand``,
``demo:tail_tuck?hold=sit``) in front of a camera, with ground truth.

``open_demo(parse_spec("demo:tail_tuck?reps=3&view=side"))`` gives a pose source whose
frames look like MediaPipe Pose Landmarker output (landmarks, world landmarks, person
mask) and carry an :class:`~game.pose.frame.AthleteTruth`: the test oracle for the coach.
"""

from game.pose.demo.athlete import DemoAthlete, open_demo
from game.pose.demo.params import FAULTS, VIEWS, DemoParams

__all__ = ["FAULTS", "VIEWS", "DemoAthlete", "DemoParams", "open_demo"]
