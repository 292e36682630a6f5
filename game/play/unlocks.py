"""Unlock rules across levels: which levels a player has opened, which could ever open,
and which rules can never work.

A rule names other levels, so it can only be checked with every level loaded: a typo
in a level id, more stars asked for than a level has, rules that wait for each other in
a circle, or a total no player could reach. :func:`game.play.levels.load_level_set`
drops such levels here, with an error on each one's own file; progress asks what is
open with :func:`unlocked_level_ids`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from game.play.level_model import Level, LevelError, _and_list, _did_you_mean

__all__ = ["reachable_level_ids", "unlocked_level_ids"]


def unlocked_level_ids(levels: Sequence[Level], best_stars: Mapping[str, int]) -> frozenset[str]:
    """Ids of the levels a player with ``best_stars`` (stars per level id) has opened.

    ``levels`` must be in play order: ``total_stars`` counts the levels before each one.
    Stars in levels that are not in ``levels`` count for nothing; stars above a level's
    most are capped to it (a level file may since have dropped a threshold).
    """
    stars = _capped_stars(levels, best_stars)
    opened: set[str] = set()
    earlier = 0
    for level in levels:
        if level.unlock is None or level.unlock.is_met(stars, earlier):
            opened.add(level.id)
        earlier += stars.get(level.id, 0)
    return frozenset(opened)


def reachable_level_ids(levels: Sequence[Level]) -> frozenset[str]:
    """Levels a player could open by earning every star on offer, level by level."""
    opened: frozenset[str] = frozenset()
    while True:
        stars = {lv.id: lv.max_stars for lv in levels if lv.id in opened}
        now = unlocked_level_ids(levels, stars)
        if now == opened:
            return opened
        opened = now


def _capped_stars(levels: Sequence[Level], best_stars: Mapping[str, int]) -> dict[str, int]:
    return {
        lv.id: max(0, min(lv.max_stars, int(best_stars.get(lv.id, 0))))
        for lv in levels
        if lv.id in best_stars
    }


def _check_unlocks(
    levels: list[Level], broken: Iterable[str] = ()
) -> tuple[list[Level], list[LevelError]]:
    """Drop levels whose unlock rules cannot work; one error each, on its own file.

    References first (a typo gets a "did you mean"), then circles, then whatever still
    can never open; dropping one level can break another's rule, so it repeats. ``broken``
    are ids of levels already left out (so a rule naming one says so, not "unknown").
    """
    alive = list(levels)
    errors: list[LevelError] = []
    dropped: set[str] = set(broken)

    def drop(level: Level, where: str, problem: str) -> None:
        errors.append(LevelError(level.path, where, problem))
        dropped.add(level.id)

    while True:
        by_id = {lv.id: lv for lv in alive}
        for level in alive:
            rule = level.unlock
            if rule is None:
                continue
            for ref in rule.after:
                if ref in by_id:
                    if rule.stars > by_id[ref].max_stars:
                        drop(
                            level,
                            "unlock.stars",
                            f"asks for {rule.stars} stars in '{ref}', which has only "
                            f"{by_id[ref].max_stars}",
                        )
                        break
                    continue
                if ref in dropped:
                    problem = (
                        f"'{ref}' is a broken level (see its own error): this could never open"
                    )
                else:
                    problem = f"'{ref}' is not a level{_did_you_mean(ref, by_id)}"
                drop(level, "unlock.after", problem)
                break
        if dropped & set(by_id):
            alive = [lv for lv in alive if lv.id not in dropped]
            continue
        cycle = _find_cycle(alive)
        if cycle:
            ring = cycle[:-1]
            for k, level_id in enumerate(ring):
                chain = " -> ".join([*ring[k:], *ring[:k], level_id])
                drop(
                    by_id[level_id],
                    "unlock.after",
                    f"unlock rules go round in a circle ({chain}): none of them could ever open",
                )
            alive = [lv for lv in alive if lv.id not in dropped]
            continue
        break

    reachable = reachable_level_ids(alive)
    for level in alive:
        if level.id not in reachable and level.unlock is not None:
            field_name = "unlock.after" if _blocked(level, reachable) else "unlock.total_stars"
            drop(level, field_name, _why_unreachable(level, alive, reachable))
    return [lv for lv in alive if lv.id not in dropped], errors


def _find_cycle(levels: Sequence[Level]) -> list[str] | None:
    """One circle of ``after`` references, as ids ending where they start, or None."""
    edges = {lv.id: (lv.unlock.after if lv.unlock else ()) for lv in levels}
    done: set[str] = set()
    for start in edges:
        if start in done:
            continue
        path: list[str] = []
        on_path: set[str] = set()
        stack: list[tuple[str, int]] = [(start, 0)]
        while stack:
            node, i = stack.pop()
            if i == 0:
                path.append(node)
                on_path.add(node)
            nexts = [n for n in edges.get(node, ()) if n in edges]
            if i < len(nexts):
                stack.append((node, i + 1))
                nxt = nexts[i]
                if nxt in on_path:
                    return [*path[path.index(nxt) :], nxt]
                if nxt not in done:
                    stack.append((nxt, 0))
            else:
                path.pop()
                on_path.discard(node)
                done.add(node)
    return None


def _blocked(level: Level, reachable: frozenset[str]) -> list[str]:
    """The levels in ``level``'s rule that no player can ever open."""
    return [ref for ref in level.unlock.after if ref not in reachable] if level.unlock else []


def _why_unreachable(level: Level, levels: Sequence[Level], reachable: frozenset[str]) -> str:
    rule = level.unlock
    assert rule is not None
    blocked = _blocked(level, reachable)
    if blocked:
        return (
            f"can never be unlocked: it waits for {_and_list(blocked)}, which can never be "
            "unlocked either"
        )
    index = next(i for i, lv in enumerate(levels) if lv.id == level.id)
    possible = sum(lv.max_stars for lv in levels[:index] if lv.id in reachable)
    return (
        f"can never be unlocked: needs {rule.total_stars} stars in earlier levels, but at "
        f"most {possible} can be earned before it"
    )
