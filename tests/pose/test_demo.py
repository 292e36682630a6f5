"""The demo athlete: spec parsing, determinism, frame validity, and its ground truth.

The truth is checked against the frames themselves (noise-free world landmarks, the
mask), so a model change that breaks what the coach would see fails here.
"""

from __future__ import annotations

import inspect
from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import game.pose.demo as demo
from game.pose.demo import FAULTS, VIEWS, DemoAthlete, DemoParams, open_demo
from game.pose.frame import PoseFrame
from game.pose.landmarks import Landmark, Side, side_landmarks
from game.pose.source import PoseSource, SourceError, parse_spec

L = Landmark
#: Short sessions keep the file fast: one rep, little standing, 10 fps.
FAST = {"reps": 1, "lead": 0.5, "tail": 0.3, "fps": 10}


def spec(faults: str = "", **params: object) -> str:
    """A demo spec for a short session; ``params`` override the short defaults."""
    query = "&".join(f"{key}={value}" for key, value in {**FAST, **params}.items())
    return f"demo:{faults}?{query}" if faults else f"demo?{query}"


def athlete(spec: str) -> DemoAthlete:
    return open_demo(parse_spec(spec))


@cache
def frames_of(spec: str) -> tuple[PoseFrame, ...]:
    return tuple(athlete(spec).frames())


def bottom(spec: str) -> PoseFrame:
    """The frame in the middle of the first rep's bottom pause."""
    source = athlete(spec)
    _, bottom_s, _ = source.rep_windows[0]
    frames = frames_of(spec)
    return min(frames, key=lambda f: abs(f.timestamp_s - bottom_s))


def pixels(frame: PoseFrame, landmark: Landmark) -> np.ndarray:
    width, height = frame.frame_size
    return frame.landmarks[landmark, :2] * np.array([width, height])


# --- angles computed independently from world landmarks (y down) -----------------------------
def angle_deg(a: np.ndarray, b: np.ndarray) -> float:
    cos = float(a @ b) / float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


def world_angles(world: np.ndarray) -> dict[str, float]:
    world = world.astype(np.float64)
    shoulder_centre = (world[L.LEFT_SHOULDER] + world[L.RIGHT_SHOULDER]) / 2
    hip_centre = (world[L.LEFT_HIP] + world[L.RIGHT_HIP]) / 2
    knee, hip, dorsi = [], [], []
    for side in Side:
        lm = side_landmarks(side)
        thigh = world[lm.knee] - world[lm.hip]
        knee.append(
            180.0 - angle_deg(world[lm.hip] - world[lm.knee], world[lm.ankle] - world[lm.knee])
        )
        hip.append(180.0 - angle_deg(shoulder_centre - world[lm.hip], thigh))
        shank = world[lm.knee] - world[lm.ankle]
        dorsi.append(90.0 - angle_deg(shank, world[lm.foot_index] - world[lm.heel]))
    up = np.array([0.0, -1.0, 0.0])
    return {
        "knee_flexion_deg": float(np.mean(knee)),
        "hip_flexion_deg": float(np.mean(hip)),
        "ankle_dorsiflexion_deg": float(np.mean(dorsi)),
        "trunk_lean_deg": angle_deg(shoulder_centre - hip_centre, up),
    }


# --- the research note's lumbar-bulge metric (shared/research/tail-tuck-...) -----------------
def lumbar_bulge(frame: PoseFrame) -> float:
    """Mean signed distance of the lower-back contour from its chord, over trunk length."""
    mask = frame.mask
    assert mask is not None
    shoulder = (pixels(frame, L.LEFT_SHOULDER) + pixels(frame, L.RIGHT_SHOULDER)) / 2
    hip = (pixels(frame, L.LEFT_HIP) + pixels(frame, L.RIGHT_HIP)) / 2
    knee = (pixels(frame, L.LEFT_KNEE) + pixels(frame, L.RIGHT_KNEE)) / 2
    facing = 1 if pixels(frame, L.NOSE)[0] > hip[0] else -1
    top = round(shoulder[1])
    low = round(hip[1] + 0.35 * np.linalg.norm(knee - hip))
    contour = []
    for row in range(max(top, 0), min(low, mask.shape[0] - 1) + 1):
        columns = np.flatnonzero(mask[row] > 0.5)
        if columns.size:
            contour.append((columns.min() if facing == 1 else columns.max(), row))
    points = np.array(contour, dtype=float)
    chord = points[-1] - points[0]
    normal = np.array([-chord[1], chord[0]]) / np.linalg.norm(chord)
    if normal[0] * -facing < 0:  # positive = bulging backward
        normal = -normal
    distance = (points - points[0]) @ normal
    stretch = distance[int(0.45 * len(points)) : int(0.75 * len(points)) + 1]
    return float(stretch.mean() / np.linalg.norm(shoulder - hip))


# --- spec parsing --------------------------------------------------------------------------
def test_plain_demo_uses_the_defaults():
    source = athlete("demo")
    assert source.params == DemoParams()
    assert source.info.name == "demo"
    assert source.info.fps == 30.0
    assert source.info.frame_size == (640, 480)
    assert source.info.live is False
    assert isinstance(source, PoseSource)


def test_faults_and_parameters_from_a_spec():
    params = DemoParams.from_spec(parse_spec("demo:heels_lift+knees_cave?reps=5&view=side&seed=3"))
    assert params.faults == {"heels_lift", "knees_cave"}
    assert (params.reps, params.view, params.seed) == (5, "side", 3)
    assert DemoParams.from_spec(parse_spec("demo:tail_tuck")).faults == {"tail_tuck"}


def test_tempo_fault_reps_and_switches():
    params = DemoParams.from_spec(
        parse_spec("demo:shallow?reps=4&tempo=3-1-0.8&fault_reps=2,4&mask=off&arms=chest")
    )
    assert (params.down, params.pause, params.up) == (3.0, 1.0, 0.8)
    assert params.fault_reps == {2, 4}
    assert params.mask is False
    assert params.arms == "chest"
    assert [params.faults_on_rep(i) for i in range(4)] == [set(), {"shallow"}, set(), {"shallow"}]


@pytest.mark.parametrize(
    ("spec", "fragments"),
    [
        ("demo:tail_tuk", ["unknown demo fault 'tail_tuk'", "tail_tuck", "knees_cave"]),
        ("demo?view=top", ["'view'", "side, three_quarter, front", "'top'"]),
        ("demo?facing=up", ["'facing'", "right, left"]),
        ("demo?colour=red", ["unknown demo parameter 'colour'", "stature", "tempo"]),
        ("demo?depth=2", ["'depth'", "between 0.3 and 1.3", "2"]),
        ("demo?depth=deep", ["'depth'", "must be a number", "'deep'"]),
        ("demo?reps=0", ["'reps'", "between 1 and 100"]),
        ("demo?reps=2.5", ["'reps'", "whole number"]),
        ("demo?noise=9", ["'noise'", "between 0 and 5"]),
        ("demo?fps=1", ["'fps'", "between 5 and 240"]),
        ("demo?stature=2.5", ["'stature'", "between 1.2 and 2.1"]),
        ("demo?height=1.8", ["frame height in pixels", "'stature'"]),
        ("demo?width=10", ["'width'", "between 64 and 3840"]),
        ("demo?seed=-1", ["'seed'", "between 0 and 4294967295", "-1"]),
        ("demo?tempo=3-1", ["'tempo'", "down-pause-up"]),
        ("demo?tempo=3-1-1&down=2", ["either 'tempo' or 'down'"]),
        ("demo?reps=3&fault_reps=4", ["'fault_reps'", "rep 4", "1 to 3"]),
        ("demo?fault_reps=two", ["'fault_reps'", "separated by commas"]),
        ("demo?mask=maybe", ["'mask'", "true or false"]),
    ],
)
def test_bad_specs_say_what_is_wrong(spec, fragments):
    with pytest.raises(SourceError) as error:
        athlete(spec)
    message = str(error.value)
    assert spec in message
    for fragment in fragments:
        assert fragment in message, (fragment, message)


def test_params_validate_when_built_directly_too():
    params = DemoParams(faults={"shallow"}, fault_reps=[1])  # type: ignore[arg-type]
    assert params.faults == frozenset({"shallow"}) and hash(params)
    with pytest.raises(SourceError, match="'view' must be one of"):
        DemoParams(view="top")
    with pytest.raises(SourceError, match="'reps' must be a whole number"):
        DemoParams(reps=2.0)  # type: ignore[arg-type]


def test_public_names():
    assert set(demo.__all__) == {"DemoAthlete", "DemoParams", "FAULTS", "VIEWS", "open_demo"}
    assert set(FAULTS) == {
        "tail_tuck", "glutes_low", "weight_forward", "heels_lift", "knees_cave",
        "forward_lean", "shallow",
    }  # fmt: skip
    assert VIEWS == ("side", "three_quarter", "front")


# --- frames --------------------------------------------------------------------------------
def test_frames_are_lazy_timed_and_counted():
    source = athlete(spec())
    generator = source.frames()
    assert inspect.isgenerator(generator)
    frames = list(generator)
    fps = source.info.fps
    assert abs(len(frames) - source.duration_s * fps) <= 1
    times = np.array([f.timestamp_s for f in frames])
    assert times[0] == 0.0
    assert np.allclose(np.diff(times), 1.0 / fps)
    for frame in frames:
        assert frame.has_person
        assert frame.landmarks.dtype == np.float32 and frame.landmarks.shape == (33, 4)
        assert frame.world_landmarks.shape == (33, 3)
        assert frame.mask.shape == (480, 640) and frame.mask.dtype == np.float32
        assert frame.mask.min() >= 0.0 and frame.mask.max() <= 1.0
        assert np.all((frame.landmarks[:, 3] >= 0) & (frame.landmarks[:, 3] <= 1))
        assert frame.truth is not None


def test_rep_timeline_follows_the_plan():
    source = athlete("demo?reps=2&lead=1&tempo=1-0.5-1&rest=0.5&tail=1&fps=20&mask=false")
    assert source.duration_s == pytest.approx(1 + 2.5 + 0.5 + 2.5 + 1)
    assert np.allclose(source.rep_windows, [(1.0, 2.25, 3.5), (4.0, 5.25, 6.5)])
    phases = {}
    for frame in source.frames():
        phases.setdefault((frame.truth.rep_index, frame.truth.phase), []).append(frame.timestamp_s)
    assert set(phases) == {(None, "stand")} | {
        (i, p) for i in (0, 1) for p in ("down", "bottom", "up")
    }
    assert min(phases[(1, "bottom")]) == pytest.approx(5.0)
    assert max(phases[(0, "up")]) < 3.5


def test_close_stops_the_frames():
    source = athlete(spec(mask="false"))
    frames = source.frames()
    next(frames)
    source.close()
    source.close()
    assert list(frames) == []


def test_same_seed_same_frames_other_seed_other_frames():
    text = spec("knees_cave", seed=7, view="three_quarter")
    first, second = list(athlete(text).frames()), list(athlete(text).frames())
    for a, b in zip(first, second, strict=True):
        assert np.array_equal(a.landmarks, b.landmarks)
        assert np.array_equal(a.world_landmarks, b.world_landmarks)
        assert np.array_equal(a.mask, b.mask)
        assert a.truth == b.truth
    other = list(athlete(text.replace("seed=7", "seed=8")).frames())
    assert not np.array_equal(first[3].landmarks, other[3].landmarks)
    # The seed moves the noise and the few-millimetre standing sway, not the squat.
    for a, b in zip(first, other, strict=True):
        assert a.truth.phase == b.truth.phase
        assert a.truth.knee_flexion_deg == pytest.approx(b.truth.knee_flexion_deg, abs=1.0)


def test_noise_is_about_mediapipe_sized():
    exact = frames_of(spec(mask="false", noise=0))
    noisy = frames_of(spec(mask="false", noise=1))
    error = np.concatenate(
        [n.landmarks[:, 0] - e.landmarks[:, 0] for n, e in zip(noisy, exact, strict=True)]
    )
    assert 0.002 < error.std() < 0.006  # of the frame width
    world = np.concatenate(
        [n.world_landmarks - e.world_landmarks for n, e in zip(noisy, exact, strict=True)]
    )
    assert 0.005 < world[:, 0].std() < 0.03  # metres, consistent with the image jitter


# --- ground truth ----------------------------------------------------------------------------
@settings(max_examples=6, deadline=None)
@given(
    view=st.sampled_from(VIEWS),
    faults=st.sets(st.sampled_from(FAULTS), max_size=2),
    depth=st.floats(0.5, 1.3),
    stature=st.floats(1.3, 2.0),
)
def test_truth_angles_match_the_noise_free_world_landmarks(view, faults, depth, stature):
    text = spec(
        "+".join(sorted(faults)),
        fps=5,
        mask="false",
        noise=0,
        view=view,
        depth=depth,
        stature=stature,
    )
    for frame in athlete(text).frames():
        measured = world_angles(frame.world_landmarks)
        for name, value in measured.items():
            assert getattr(frame.truth, name) == pytest.approx(value, abs=0.02), name


def test_depth_one_reaches_a_deep_knee_bend_and_shallow_does_not():
    deep = max(f.truth.knee_flexion_deg for f in frames_of(spec(mask="false")))
    shallow = max(f.truth.knee_flexion_deg for f in frames_of(spec("shallow", mask="false")))
    assert deep >= 95.0
    assert shallow < 70.0


def test_a_clean_squat_stays_balanced_over_the_mid_foot():
    for frame in frames_of(spec(mask="false")):
        assert abs(frame.truth.balance_x_m) < 0.005
        assert frame.truth.faults == frozenset()
        assert frame.truth.pelvis_tilt_deg < 8.0


def heel_to_toe_px(frame: PoseFrame) -> float:
    """How far the near heel sits above its toes in the image (pixels, up positive)."""
    return float(pixels(frame, L.RIGHT_FOOT_INDEX)[1] - pixels(frame, L.RIGHT_HEEL)[1])


def hip_behind_heel_m(frame: PoseFrame) -> float:
    """Side view, facing image-right: how far the hips sit behind the heels (metres)."""
    world = frame.world_landmarks
    hips = (world[L.LEFT_HIP, 0] + world[L.RIGHT_HIP, 0]) / 2
    heels = (world[L.LEFT_HEEL, 0] + world[L.RIGHT_HEEL, 0]) / 2
    return float(heels - hips)


def knee_width_px(frame: PoseFrame) -> float:
    return float(abs(pixels(frame, L.LEFT_KNEE)[0] - pixels(frame, L.RIGHT_KNEE)[0]))


@pytest.mark.parametrize(
    ("fault", "view", "measure", "change"),
    [
        ("tail_tuck", "side", lambda f: f.truth.pelvis_tilt_deg, 15.0),
        ("glutes_low", "side", lambda f: -hip_behind_heel_m(f), 0.04),
        ("weight_forward", "side", lambda f: f.truth.balance_x_m, 0.03),
        ("heels_lift", "side", heel_to_toe_px, 4.0),
        ("knees_cave", "front", lambda f: -knee_width_px(f), 15.0),
        ("forward_lean", "side", lambda f: f.truth.trunk_lean_deg, 15.0),
        ("shallow", "side", lambda f: -f.truth.knee_flexion_deg, 40.0),
    ],
)
def test_each_fault_moves_its_measure_the_right_way(fault, view, measure, change):
    clean = bottom(spec(mask="false", noise=0, view=view))
    faulty = bottom(spec(fault, mask="false", noise=0, view=view))
    assert measure(faulty) - measure(clean) > change
    assert fault in faulty.truth.faults
    assert clean.truth.faults == frozenset()


def test_faults_show_near_the_bottom_only():
    frames = frames_of(spec("+".join(FAULTS), mask="false", noise=0))
    for frame in frames:
        if frame.truth.phase == "stand" or frame.truth.depth < 0.05:
            assert frame.truth.faults == frozenset()
        if frame.truth.phase == "bottom":
            assert frame.truth.faults == set(FAULTS)
    tucked = [f.truth.depth for f in frames if "tail_tuck" in f.truth.faults]
    assert min(tucked) > 0.8 * max(tucked)  # the tuck is a bottom-of-the-rep fault


def test_fault_reps_restricts_the_faults_to_those_reps():
    frames = frames_of(
        "demo:heels_lift?reps=3&fault_reps=2&lead=0.2&rest=0.2&tail=0.2&fps=10&mask=false"
    )
    lifts = {
        i: max(f.truth.heel_lift_m for f in frames if f.truth.rep_index == i) for i in range(3)
    }
    labelled = {f.truth.rep_index for f in frames if "heels_lift" in f.truth.faults}
    assert labelled == {1}
    assert lifts[0] == 0.0 and lifts[2] == 0.0 and lifts[1] > 0.03


# --- the silhouette --------------------------------------------------------------------------
def test_a_tucked_bottom_bulges_the_lower_back_like_the_research_clip():
    clean_spec, tucked_spec = spec(fps=30, noise=0), spec("tail_tuck", fps=30, noise=0)
    clean, tucked = bottom(clean_spec), bottom(tucked_spec)
    clean_bulge, tucked_bulge = lumbar_bulge(clean), lumbar_bulge(tucked)
    # Real clips: clean bottoms +0.10..+0.26, tucked bottoms +0.35..+0.54.
    assert 0.05 < clean_bulge < 0.3
    assert tucked_bulge > 0.35
    assert tucked_bulge > clean_bulge + 0.15

    # ...and it appears in the last half second: 0.3-0.6 s before the bottom it is not there.
    def before(text: str) -> float:
        _, bottom_s, _ = athlete(text).rep_windows[0]
        early = [f for f in frames_of(text) if 0.3 <= bottom_s - f.timestamp_s <= 0.6]
        return float(np.median([lumbar_bulge(f) for f in early]))

    assert before(tucked_spec) < clean_bulge + 0.1
    assert abs(before(clean_spec) - clean_bulge) < 0.1


@pytest.mark.parametrize("seed", [0, 5])
def test_the_tuck_shows_through_landmark_noise(seed):
    """As the research measured it: the median of the bottom frame and three either side."""

    def bulge_at_bottom(text: str) -> float:
        frames = frames_of(text)
        _, bottom_s, _ = athlete(text).rep_windows[0]
        i = int(np.argmin([abs(f.timestamp_s - bottom_s) for f in frames]))
        return float(np.median([lumbar_bulge(f) for f in frames[i - 3 : i + 4]]))

    clean = bulge_at_bottom(spec(fps=30, seed=seed))
    tucked = bulge_at_bottom(spec("tail_tuck", fps=30, seed=seed))
    assert clean < 0.3 < 0.35 < tucked


def test_the_mask_is_a_soft_edged_person_around_the_landmarks():
    frame = bottom(spec(noise=0))
    mask = frame.mask
    assert 0.02 < (mask > 0.5).mean() < 0.3
    assert ((mask > 0.05) & (mask < 0.95)).any()  # anti-aliased rim
    for landmark in (
        L.RIGHT_HIP,
        L.RIGHT_KNEE,
        L.RIGHT_SHOULDER,
        L.NOSE,
        L.RIGHT_ANKLE,
        L.RIGHT_WRIST,
    ):
        x, y = np.round(pixels(frame, landmark)).astype(int)
        assert mask[y, x] > 0.5, landmark.name


@pytest.mark.parametrize(
    "params",
    [
        {"view": "side"},
        {"view": "side", "facing": "left"},
        {"view": "three_quarter"},
        {"view": "front"},
        {"view": "side", "depth": 1.3, "stature": 2.1},
        {"view": "front", "width": 640, "height": 360, "stature": 2.1},
        {"view": "three_quarter", "arms": "chest", "depth": 0.3, "stature": 1.2},
    ],
)
def test_the_whole_body_stays_in_frame(params):
    for faults in ("", "glutes_low+heels_lift+forward_lean+weight_forward"):
        for frame in frames_of(spec(faults, fps=5, **params)):
            xy = frame.landmarks[:, :2]
            assert xy.min() > 0.02 and xy.max() < 0.98
            mask = frame.mask
            border = np.concatenate([mask[0], mask[-1], mask[:, 0], mask[:, -1]])
            assert border.max() == 0.0


def test_left_is_the_athletes_own_left():
    left, right = side_landmarks(Side.LEFT), side_landmarks(Side.RIGHT)
    front = bottom(spec(mask="false", noise=0, view="front"))
    for part in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle", "ear"):
        # Facing the camera, the athlete's left appears on image right.
        assert front.landmarks[getattr(left, part), 0] > front.landmarks[getattr(right, part), 0]
    # Side-on facing image-right, the camera is at the athlete's right: right limbs nearer.
    side = bottom(spec(mask="false", noise=0))
    assert pixels(side, L.NOSE)[0] > pixels(side, L.RIGHT_HIP)[0]
    for part in ("shoulder", "hip", "knee", "ankle"):
        assert (
            side.world_landmarks[getattr(right, part), 2]
            < side.world_landmarks[getattr(left, part), 2]
        )
        assert side.landmarks[getattr(right, part), 2] < side.landmarks[getattr(left, part), 2]
    mirrored = bottom(spec(mask="false", noise=0, facing="left"))
    assert pixels(mirrored, L.NOSE)[0] < pixels(mirrored, L.LEFT_HIP)[0]
    assert mirrored.world_landmarks[L.LEFT_HIP, 2] < mirrored.world_landmarks[L.RIGHT_HIP, 2]


def test_far_side_landmarks_are_less_visible_in_a_side_view():
    side = bottom(spec(mask="false", noise=0))
    right, left = side_landmarks(Side.RIGHT), side_landmarks(Side.LEFT)
    for part in ("knee", "ankle", "wrist", "elbow"):
        assert side.landmarks[getattr(right, part), 3] > 0.9
        assert 0.25 < side.landmarks[getattr(left, part), 3] < 0.7
    front = bottom(spec(mask="false", noise=0, view="front"))
    assert front.landmarks[:, 3].min() > 0.9
