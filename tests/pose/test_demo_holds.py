"""The demo athlete's posture holds: parsing, timeline, ground truth, silhouette.

``demo?hold=stand`` stands balanced over the heels and ``demo?hold=sit`` sits tall on a
chair; ``weight_forward`` (standing) and ``tail_tuck`` (either) switch on for part of the
hold with ``fault_from``/``fault_to``. As in test_demo.py, the truth is checked against
what the frames themselves show (noise-free world landmarks, the mask), measured here
independently of the body model's own code.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from game.pose.demo import DemoAthlete, DemoParams, open_demo
from game.pose.demo.params import FAULT_RAMP_S, SIT_DOWN_S
from game.pose.frame import PoseFrame
from game.pose.landmarks import Landmark, Side, side_landmarks
from game.pose.source import SourceError, parse_spec

L = Landmark
#: Short holds keep the file fast.
FAST = {"hold_s": 6, "lead": 0.5, "tail": 0.5, "fps": 10}


def spec(hold: str, faults: str = "", **params: object) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"hold": hold, **FAST, **params}.items())
    return f"demo:{faults}?{query}" if faults else f"demo?{query}"


def athlete(text: str) -> DemoAthlete:
    return open_demo(parse_spec(text))


@cache
def frames_of(text: str) -> tuple[PoseFrame, ...]:
    return tuple(athlete(text).frames())


def held(text: str) -> list[PoseFrame]:
    """The frames of the hold itself, with its faults fully on (or off) where labelled:
    the ramp's second either side of a switch is left out."""
    frames = frames_of(text)
    source = athlete(text)
    window = source.fault_window
    keep = []
    for frame in frames:
        if not frame.truth.holding:
            continue
        if window and min(abs(frame.timestamp_s - edge) for edge in window) < FAULT_RAMP_S / 2:
            continue
        keep.append(frame)
    return keep


def paired(clean: list[PoseFrame], faulty: list[PoseFrame]) -> list[tuple[PoseFrame, PoseFrame]]:
    """Frames of a clean and a faulty session at the same moments (same seed, same sway)."""
    at = {frame.timestamp_s: frame for frame in clean}
    pairs = [(at[frame.timestamp_s], frame) for frame in faulty if frame.timestamp_s in at]
    assert len(pairs) > 10
    return pairs


def pixels(frame: PoseFrame, landmark: Landmark) -> np.ndarray:
    width, height = frame.frame_size
    return frame.landmarks[landmark, :2] * np.array([width, height])


# --- measures from the world landmarks (y down), written apart from the body model -----------
def centre(world: np.ndarray, part: str) -> np.ndarray:
    sides = [getattr(side_landmarks(side), part) for side in Side]
    return world[sides].astype(np.float64).mean(axis=0)


def hips_over_heels_m(world: np.ndarray) -> float:
    """Horizontal distance of the hip centre in front of the heels, along the feet.

    The mean heel-to-toe direction, flattened to the floor, is the way the athlete faces
    (both feet turn out equally), so this works in every view and facing.
    """
    forward = centre(world, "foot_index") - centre(world, "heel")
    forward[1] = 0.0
    forward /= np.linalg.norm(forward)
    return float((centre(world, "hip") - centre(world, "heel")) @ forward)


def angle_deg(a: np.ndarray, b: np.ndarray) -> float:
    cos = float(a @ b) / float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


def flexions(world: np.ndarray) -> tuple[float, float]:
    """Mean knee flexion and hip flexion (trunk to thigh), degrees, 0 standing straight."""
    world = world.astype(np.float64)
    shoulders = centre(world, "shoulder")
    knee, hip = [], []
    for side in Side:
        lm = side_landmarks(side)
        thigh = world[lm.knee] - world[lm.hip]
        knee.append(180.0 - angle_deg(-thigh, world[lm.ankle] - world[lm.knee]))
        hip.append(180.0 - angle_deg(shoulders - world[lm.hip], thigh))
    return float(np.mean(knee)), float(np.mean(hip))


# --- the research note's lumbar-bulge metric (shared/research/tail-tuck-from-the-silhouette.md)
def lumbar_bulge(frame: PoseFrame, below_hip: float = 0.35) -> float:
    """Mean signed distance of the back contour from its chord (45-75 % of the way down),
    positive bulging backward, over the trunk length.

    The research follows the back contour from shoulder height to 0.35 hip-knee lengths
    below the hip. Seated, the thigh is level, so that reaches under the seat, where the
    back-most mask pixel is a calf; ``below_hip=0`` stops at the hip joints (~10 cm above
    the seat), which still covers the lower back and the top of the buttocks.
    """
    mask = frame.mask
    assert mask is not None
    shoulder = (pixels(frame, L.LEFT_SHOULDER) + pixels(frame, L.RIGHT_SHOULDER)) / 2
    hip = (pixels(frame, L.LEFT_HIP) + pixels(frame, L.RIGHT_HIP)) / 2
    knee = (pixels(frame, L.LEFT_KNEE) + pixels(frame, L.RIGHT_KNEE)) / 2
    facing = 1 if pixels(frame, L.NOSE)[0] > hip[0] else -1
    low = round(hip[1] + below_hip * np.linalg.norm(knee - hip))
    contour = []
    for row in range(max(round(shoulder[1]), 0), min(low, mask.shape[0] - 1) + 1):
        columns = np.flatnonzero(mask[row] > 0.5)
        if columns.size:
            contour.append((columns.min() if facing == 1 else columns.max(), row))
    points = np.array(contour, dtype=float)
    chord = points[-1] - points[0]
    normal = np.array([-chord[1], chord[0]]) / np.linalg.norm(chord)
    if normal[0] * -facing < 0:
        normal = -normal
    distance = (points - points[0]) @ normal
    stretch = distance[int(0.45 * len(points)) : int(0.75 * len(points)) + 1]
    return float(stretch.mean() / np.linalg.norm(shoulder - hip))


# --- parsing ---------------------------------------------------------------------------------
def test_a_hold_spec_and_its_defaults():
    params = DemoParams.from_spec(parse_spec("demo?hold=stand"))
    assert (params.hold, params.hold_s, params.faults) == ("stand", 20.0, frozenset())
    assert params.fault_window == (0.0, 20.0)
    assert params.arm_style == "rest"  # hanging arms standing, hands on the thighs seated
    assert DemoParams().arm_style == "forward" and DemoParams().hold is None

    params = DemoParams.from_spec(
        parse_spec("demo:weight_forward+tail_tuck?hold=stand&hold_s=12&fault_from=3&fault_to=8")
    )
    assert params.faults == {"weight_forward", "tail_tuck"}
    assert (params.hold_s, params.fault_window) == (12.0, (3.0, 8.0))
    sit = DemoParams.from_spec(parse_spec("demo:tail_tuck?hold=sit&fault_from=4&arms=chest"))
    assert (sit.hold, sit.fault_window, sit.arm_style) == ("sit", (4.0, 20.0), "chest")


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("demo?hold=fly", ["'hold'", "stand, sit", "'fly'"]),
        ("demo?hold=stand&reps=3", ["'reps'", "squat sets", "hold=stand", "'hold_s'"]),
        ("demo?hold=sit&tempo=3-1-1", ["'tempo'", "squat sets", "hold=sit"]),
        ("demo?hold=sit&depth=1.2", ["'depth'", "squat sets"]),
        ("demo:tail_tuck?hold=sit&fault_reps=1", ["'fault_reps'", "squat sets", "fault_from"]),
        ("demo:knees_cave?hold=stand", ["'knees_cave'", "hold=stand", "weight_forward, tail_tuck"]),
        ("demo:weight_forward?hold=sit", ["'weight_forward'", "hold=sit", "can show: tail_tuck"]),
        ("demo?hold=stand&hold_s=0.5", ["'hold_s'", "between 1 and 600", "0.5"]),
        ("demo?hold=stand&hold_s=long", ["'hold_s'", "must be a number", "'long'"]),
        ("demo:tail_tuck?hold=sit&fault_to=25", ["'fault_to'", "hold_s (20)", "25"]),
        ("demo:tail_tuck?hold=sit&fault_from=-1", ["'fault_from'", "between 0 and hold_s"]),
        ("demo:tail_tuck?hold=sit&fault_from=5&fault_to=5.5", ["'fault_from' (5)", "1 s apart"]),
        ("demo:tail_tuck?hold=sit&fault_from=8&fault_to=3", ["'fault_to' (3)", "fault_from first"]),
        ("demo?hold_s=10", ["'hold_s' is for posture holds", "hold=stand or hold=sit"]),
        ("demo:tail_tuck?fault_from=2", ["'fault_from' is for posture holds", "'fault_reps'"]),
        ("demo?arms=rest", ["'arms'", "'rest'", "is for holds"]),
        ("demo?hold=stand&lenght=3", ["unknown demo parameter 'lenght'", "hold_s", "fault_to"]),
    ],
)
def test_bad_hold_specs_say_what_is_wrong(text, fragments):
    with pytest.raises(SourceError) as error:
        athlete(text)
    message = str(error.value)
    assert text in message
    for fragment in fragments:
        assert fragment in message, (fragment, message)


def test_hold_params_validate_when_built_directly_too():
    with pytest.raises(SourceError, match="'fault_reps' is for squat sets"):
        DemoParams(hold="stand", faults={"weight_forward"}, fault_reps=[1])
    with pytest.raises(SourceError, match="'hold' must be one of stand, sit"):
        DemoParams(hold="lie")
    with pytest.raises(SourceError, match="'fault_to' must be between 0 and hold_s"):
        DemoParams(hold="sit", hold_s=5.0, faults={"tail_tuck"}, fault_to=6.0)


# --- the timeline ----------------------------------------------------------------------------
def test_a_standing_hold_runs_lead_hold_tail_with_its_fault_window():
    text = "demo:weight_forward?hold=stand&lead=1&hold_s=6&fault_from=2&fault_to=4&tail=1&fps=10"
    source = athlete(text + "&mask=off")
    assert source.duration_s == pytest.approx(8.0)
    assert source.hold_window == (1.0, 7.0) and source.fault_window == (3.0, 5.0)
    assert source.rep_windows == ()
    assert "stand hold 6 s" in source.info.description
    assert "weight_forward from 2 s to 4 s" in source.info.description
    frames = list(source.frames())
    assert len(frames) == 80
    for frame in frames:
        t, truth = frame.timestamp_s, frame.truth
        expected = "stand" if t < 1.0 else "hold" if t < 7.0 else "after"
        assert truth.phase == expected, t
        assert truth.holding == (expected == "hold")
        assert truth.posture == "stand" and truth.rep_index is None
        labelled = 3.0 - 1e-9 <= t < 5.0 - 1e-9
        assert truth.faults == ({"weight_forward"} if labelled else frozenset()), t


def test_a_sitting_hold_sits_down_first_and_stays_seated():
    text = spec("sit", "tail_tuck", lead=1, fault_from=2, mask="off", noise=0)
    source = athlete(text)
    start = 1.0 + SIT_DOWN_S
    assert source.hold_window == (start, start + 6.0)
    assert source.duration_s == pytest.approx(1.0 + SIT_DOWN_S + 6.0 + 0.5)
    assert source.seat_height_m == pytest.approx(0.40, abs=0.03)  # an ordinary chair
    phases = [f.truth.phase for f in frames_of(text)]
    assert phases == sorted(phases, key=["stand", "sit_down", "hold", "after"].index)
    assert set(phases) == {"stand", "sit_down", "hold", "after"}
    knees = {
        phase: [flexions(f.world_landmarks)[0] for f in frames_of(text) if f.truth.phase == phase]
        for phase in ("stand", "hold", "after")
    }
    assert max(knees["stand"]) < 10.0
    assert min(knees["hold"] + knees["after"]) > 80.0  # seated through the hold and after it
    depths = [f.truth.depth for f in frames_of(text)]
    assert depths == sorted(depths) and depths[0] == 0.0 and depths[-1] == 1.0
    labelled = [f.timestamp_s - start for f in frames_of(text) if f.truth.faults]
    assert min(labelled) == pytest.approx(2.0) and max(labelled) == pytest.approx(5.9)


def test_squat_sets_say_they_are_no_hold():
    frame = frames_of("demo?reps=1&lead=0.2&tail=0.2&fps=5&mask=off")[0]
    assert frame.truth.posture is None and frame.truth.holding is False
    assert athlete("demo?reps=1").hold_window is None


# --- ground truth: standing -----------------------------------------------------------------
@pytest.mark.parametrize("view", ["side", "three_quarter", "front"])
def test_standing_balanced_puts_the_hips_over_the_ankles(view):
    frames = held(spec("stand", view=view, noise=0, mask="off"))
    for frame in frames:
        truth = frame.truth
        measured = hips_over_heels_m(frame.world_landmarks)
        assert measured == pytest.approx(truth.hip_over_heel_m, abs=0.002)
        # The ankle joint is ~6.4 cm in front of the heel landmark at 1.75 m: hips over the
        # ankle read 5-10 cm in front of the heels.
        ankles = centre(frame.world_landmarks, "ankle") - centre(frame.world_landmarks, "heel")
        assert abs(measured - float(np.hypot(ankles[0], ankles[2]))) < 0.03
        assert abs(truth.pelvis_tilt_deg) < 1.0
        assert truth.lordosis_deg == pytest.approx(37.0, abs=1.5)
        assert truth.trunk_lean_deg < 5.0
        assert truth.balance_x_m < 0.0  # the weight is behind the mid-foot, toward the heels


@pytest.mark.parametrize(
    ("view", "facing"), [("side", "right"), ("side", "left"), ("front", "right")]
)
def test_weight_forward_pushes_the_hips_forward_and_leans_the_trunk_back(view, facing):
    clean = held(spec("stand", view=view, facing=facing, noise=0, mask="off"))
    faulty = held(spec("stand", "weight_forward", view=view, facing=facing, noise=0, mask="off"))
    for good, bad in paired(clean, faulty):
        assert bad.truth.faults == {"weight_forward"} and not good.truth.faults
        # The truth and the world landmarks agree, and the hips are >= 6 cm further forward.
        assert hips_over_heels_m(bad.world_landmarks) == pytest.approx(
            bad.truth.hip_over_heel_m, abs=0.002
        )
        assert bad.truth.hip_over_heel_m - good.truth.hip_over_heel_m > 0.06
        assert bad.truth.hip_over_heel_m > 0.13
        # Tail between the legs, weight toward the toes.
        assert 8.0 < bad.truth.pelvis_tilt_deg < 12.0
        assert bad.truth.balance_x_m - good.truth.balance_x_m > 0.02
        # The shoulders sit behind the hips: the trunk leans back to keep its balance.
        world = bad.world_landmarks
        forward = centre(world, "foot_index") - centre(world, "heel")
        forward[1] = 0.0
        forward /= np.linalg.norm(forward)
        assert (centre(world, "shoulder") - centre(world, "hip")) @ forward < -0.03


def test_a_standing_tail_tuck_tips_the_pelvis_and_flattens_the_lumbar_curve():
    for frame in held(spec("stand", "tail_tuck", noise=0, mask="off")):
        assert frame.truth.pelvis_tilt_deg == pytest.approx(15.0, abs=0.5)
        assert frame.truth.lordosis_deg < 20.0


def test_the_coach_can_see_the_switch_within_a_second():
    text = spec("stand", "weight_forward", hold_s=10, fault_from=3, fault_to=7, noise=0, mask="off")
    source = athlete(text)
    start, end = source.fault_window
    hips = {f.timestamp_s: hips_over_heels_m(f.world_landmarks) for f in frames_of(text)}
    before = [v for t, v in hips.items() if t < start - FAULT_RAMP_S / 2]
    during = [v for t, v in hips.items() if start + FAULT_RAMP_S / 2 <= t < end - FAULT_RAMP_S / 2]
    after = [v for t, v in hips.items() if t >= end + FAULT_RAMP_S / 2]
    assert min(during) - max(before) > 0.05
    assert min(during) - max(after) > 0.05
    halfway = next(v for t, v in hips.items() if abs(t - start) < 1e-6)
    assert max(before) < halfway < min(during)


def test_standing_still_sways_about_a_centimetre_and_breathes():
    text = spec("stand", hold_s=20, noise=0, mask="off")
    frames = [f for f in frames_of(text) if f.truth.holding]
    balance = np.array([f.truth.balance_x_m for f in frames])
    assert 0.005 < np.ptp(balance) < 0.013  # centre of mass, peak to peak
    rise = np.array(
        [
            centre(f.world_landmarks, "hip")[1] - centre(f.world_landmarks, "shoulder")[1]
            for f in frames
        ]
    )
    assert 0.004 < np.ptp(rise) < 0.012  # the shoulders ride on the breath
    # ...at about 15 breaths a minute.
    times = np.array([f.timestamp_s for f in frames])
    spectrum = np.abs(np.fft.rfft(rise - rise.mean()))
    frequencies = np.fft.rfftfreq(len(rise), times[1] - times[0])
    assert frequencies[np.argmax(spectrum)] == pytest.approx(0.25, abs=0.06)


# --- ground truth: sitting ------------------------------------------------------------------
@pytest.mark.parametrize("view", ["side", "three_quarter", "front"])
def test_sitting_tall_bends_knees_and_hips_to_about_ninety(view):
    for frame in held(spec("sit", view=view, noise=0, mask="off")):
        world = frame.world_landmarks
        knee, hip = flexions(world)
        assert knee == pytest.approx(90.0, abs=5.0)
        assert hip == pytest.approx(90.0, abs=7.0)
        assert frame.truth.knee_flexion_deg == pytest.approx(knee, abs=0.05)
        assert frame.truth.hip_flexion_deg == pytest.approx(hip, abs=0.05)
        # Hips at knee height, feet flat, trunk upright, pelvis neutral.
        assert abs(centre(world, "hip")[1] - centre(world, "knee")[1]) < 0.03
        assert abs(centre(world, "heel")[1] - centre(world, "foot_index")[1]) < 0.01
        assert frame.truth.trunk_lean_deg < 6.0
        assert abs(frame.truth.pelvis_tilt_deg) < 1.0 and frame.truth.lordosis_deg > 33.0
        assert frame.truth.balance_x_m > 0.0  # over the sitting bones, not behind them


def sitting_height(frame: PoseFrame) -> float:
    """How far the shoulders are above the hips (metres)."""
    world = frame.world_landmarks
    return float(centre(world, "hip")[1] - centre(world, "shoulder")[1])


def head_forward(frame: PoseFrame) -> float:
    """How far the ears are in front of the shoulders, along the feet (metres)."""
    world = frame.world_landmarks
    forward = centre(world, "foot_index") - centre(world, "heel")
    forward[1] = 0.0
    forward /= np.linalg.norm(forward)
    return float((centre(world, "ear") - centre(world, "shoulder")) @ forward)


def test_a_slump_rolls_the_pelvis_onto_the_tail():
    clean = held(spec("sit", noise=0, mask="off"))
    slumped = held(spec("sit", "tail_tuck", noise=0, mask="off"))
    for good, bad in paired(clean, slumped):
        assert bad.truth.faults == {"tail_tuck"}
        assert 20.0 <= bad.truth.pelvis_tilt_deg <= 25.0
        assert abs(bad.truth.lordosis_deg) < 3.0  # the lumbar curve is gone
        assert bad.truth.balance_x_m < 0.0 < good.truth.balance_x_m  # behind the sitting bones
        # Rounded: the shoulders sink (>= 4 cm) toward the hips.
        assert sitting_height(good) - sitting_height(bad) > 0.04
        # ...and the rounder upper back brings the head forward of the shoulders.
        assert head_forward(bad) - head_forward(good) > 0.06


# --- the silhouette -------------------------------------------------------------------------
@pytest.mark.parametrize(("view", "seed"), [("side", 0), ("side", 5), ("three_quarter", 0)])
def test_a_slumped_lower_back_bulges_in_the_mask(view, seed):
    """The research's lumbar bulge, median over the hold, through landmark noise."""

    def bulge(faults: str) -> float:
        text = spec("sit", faults, view=view, seed=seed, hold_s=3, fps=15)
        return float(np.median([lumbar_bulge(f, below_hip=0.0) for f in held(text)]))

    clean, slumped = bulge(""), bulge("tail_tuck")
    assert slumped > clean + 0.05
    if view == "side":
        assert clean < -0.02  # the kept lumbar curve reads concave
        assert slumped > 0.02  # the slump reads convex


def test_the_chair_is_not_in_the_mask_but_the_seat_flattens_the_buttocks():
    text = spec("sit", noise=0, hold_s=1, fps=5)
    source = athlete(text)
    frame = held(text)[0]
    mask = frame.mask > 0.5
    camera = source.camera
    hip_x = source.body.hold_pose("sit").hip_centre[0]

    def row(height: float, z: float = 0.0) -> float:
        return float(camera.to_pixels(camera.to_camera(np.array([hip_x, height, z])))[1])

    # The seat line is drawn in perspective: its near edge (the near buttock, ~0.2 m toward
    # the camera, which stands on the athlete's right, -z) sits a few pixels lower.
    seat_far, seat_near = row(source.seat_height_m), row(source.seat_height_m, -0.2)
    floor = row(0.0)
    pixels_per_m = camera.focal_px / camera.to_camera(np.array([hip_x, 0.5, 0.0]))[2]
    hip_column = round(pixels(frame, L.RIGHT_HIP)[0])
    bottoms = []
    # Facing right, the buttocks are left of the hip: from the hip to 8 cm behind it.
    for column in range(hip_column - round(0.08 * pixels_per_m), hip_column + 1):
        bottoms.append(np.flatnonzero(mask[:, column]).max())
        # Under the seat, down to the floor, there is no person (and no chair).
        assert not mask[round(seat_near) + 2 : round(floor) - 2, column].any()
    assert np.ptp(bottoms) <= 2  # a flat seat line...
    assert seat_far - 1 <= np.median(bottoms) <= seat_near + 1  # ...at the seat's height


# --- every view, both facings, framing and determinism ---------------------------------------
@pytest.mark.parametrize(
    "params",
    [
        {"view": "side"},
        {"view": "side", "facing": "left"},
        {"view": "three_quarter"},
        {"view": "three_quarter", "facing": "left", "stature": 2.1},
        {"view": "front", "stature": 1.2, "arms": "chest"},
        {"view": "front", "width": 640, "height": 360, "arms": "forward"},
    ],
)
def test_holds_stay_in_frame_with_a_person_shaped_mask(params):
    for hold, faults in (("stand", "weight_forward+tail_tuck"), ("sit", "tail_tuck")):
        for frame in frames_of(spec(hold, faults, fps=5, fault_from=2, noise=0, **params)):
            xy = frame.landmarks[:, :2]
            assert xy.min() > 0.02 and xy.max() < 0.98
            mask = frame.mask
            border = np.concatenate([mask[0], mask[-1], mask[:, 0], mask[:, -1]])
            assert border.max() == 0.0
            assert 0.01 < (mask > 0.5).mean() < 0.3
            for landmark in (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_SHOULDER, L.NOSE, L.RIGHT_ANKLE):
                x, y = np.round(pixels(frame, landmark)).astype(int)
                assert mask[y, x] > 0.5, (hold, landmark.name, frame.timestamp_s)


def test_same_seed_same_hold_other_seed_other_noise():
    text = spec("sit", "tail_tuck", seed=7, fps=5, fault_from=1, fault_to=4)
    first, second = frames_of(text), tuple(athlete(text).frames())
    for a, b in zip(first, second, strict=True):
        assert np.array_equal(a.landmarks, b.landmarks)
        assert np.array_equal(a.world_landmarks, b.world_landmarks)
        assert np.array_equal(a.mask, b.mask)
        assert a.truth == b.truth
    other = frames_of(text.replace("seed=7", "seed=8"))
    assert not np.array_equal(first[5].landmarks, other[5].landmarks)
    for a, b in zip(first, other, strict=True):  # the seed moves noise, sway and breath only
        assert (a.truth.phase, a.truth.faults) == (b.truth.phase, b.truth.faults)
        assert a.truth.pelvis_tilt_deg == pytest.approx(b.truth.pelvis_tilt_deg, abs=1.0)
