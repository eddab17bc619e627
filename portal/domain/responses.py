"""The council's response at each stage of a case, and the case's overall outcome
(domain.md, "Categories, outcomes, sources"). Pure."""

# The stages a council responds at, in order (the Welsh and corporate procedures use the
# first two: the written resolution is stage 1's response, the investigation stage 2's).
RESPONSE_STAGES = ("stage1", "stage2", "stage3")


def overall_outcome(
    *, withdrawn: bool, resolved_informally: bool, findings: dict[str, str | None]
) -> str | None:
    """Withdrawn or resolved informally when the case ended so; otherwise the finding of
    the latest stage responded to (stage 2's after stage 1's), None before any."""
    if withdrawn:
        return "withdrawn"
    if resolved_informally:
        return "resolved_informally"
    for stage in reversed(RESPONSE_STAGES):
        if findings.get(stage):
            return findings[stage]
    return None
