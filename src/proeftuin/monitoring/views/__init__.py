"""Tel en vertel screens, one module per responsibility:

- :mod:`.tab`: the project tab, releasing its figures, the pair definition;
- :mod:`.exports`: the aggregated figures and the participant-level rows as CSV or Excel;
- :mod:`.participant`: the participant list and search, registration, view and erasure;
- :mod:`.trajectories`: editing a trajectory, adding a story, heavy measure or intervention;
- :mod:`.measurements`: a new measurement, the fast entry screen, deleting a measurement.

The portfolio comparison, case histories, imports and self-report live in sibling modules of the
app (``portfolio``, ``cases``, ``importing``, ``selfreport``). The view functions are re-exported
here, so ``from proeftuin.monitoring import views`` keeps working.
"""

from .exports import project_export, rows_export
from .measurements import details, entry, measurement_delete, measurement_new, scores
from .participant import participant_detail, participant_erase, participant_new, participants
from .tab import TAB, pair_definition, project_tab, release_figures, tab_context
from .trajectories import ADD_FORMS, trajectory_add, trajectory_edit

__all__ = [
    "ADD_FORMS",
    "TAB",
    "details",
    "entry",
    "measurement_delete",
    "measurement_new",
    "pair_definition",
    "participant_detail",
    "participant_erase",
    "participant_new",
    "participants",
    "project_export",
    "project_tab",
    "release_figures",
    "rows_export",
    "scores",
    "tab_context",
    "trajectory_add",
    "trajectory_edit",
]
