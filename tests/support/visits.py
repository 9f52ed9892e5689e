"""Helpers for visits that meet rule 11: every applicable item answered, photos attached."""

from config.files import load_checklist


def applicable(category: str) -> list[str]:
    """The checklist item ids that apply to a 业态, in the checklist's order (a second reading of
    the checklist, independent of services.visits.answers)."""
    return [i.id for i in load_checklist().items if not i.categories or category in i.categories]


def all_answers(category: str, **given: object) -> dict[str, object]:
    """Every item that applies to category answered 是, except those given."""
    unknown = set(given) - set(applicable(category))
    assert not unknown, f"items not applicable to {category}: {unknown}"
    return {key: given.get(key, "是") for key in applicable(category)}


def onsite_args(session, task_id: int, folder) -> list[str]:
    """`tasks record` options for a complete on-site visit of a task: an answers file with every
    applicable item 是 and one photo, written under folder."""
    import json

    from models import Entity, InspectionTask
    from tests.support.hazards import PNG

    task = session.get(InspectionTask, task_id)
    category = session.get(Entity, task.entity_id).category
    answers, photo = folder / f"answers-{task_id}.json", folder / f"现场-{task_id}.png"
    answers.write_text(json.dumps({"answers": all_answers(category)}), encoding="utf-8")
    photo.write_bytes(PNG)
    return ["--answers", str(answers), "--photo", str(photo)]


def onsite_visit(session, task_id: int, **given: object) -> dict[str, object]:
    """record_visit arguments for a complete on-site visit (every applicable item 是 but those
    given, one photo)."""
    from models import Entity, InspectionTask
    from services.core.evidence import check_content
    from tests.support.hazards import PNG

    task = session.get(InspectionTask, task_id)
    category = session.get(Entity, task.entity_id).category
    return {
        "mode": "现场",
        "document": {"answers": all_answers(category, **given), "problems": []},
        "photos": [check_content(filename="现场.png", content=PNG)],
    }
