"""docs/followup.md stays true: its tables of states and transitions are those of the declared workflows, and
its jobs are the registered ones."""

from pathlib import Path

import pytest

from tierslieux.core.jobs import JOBS
from tierslieux.followup import workflows

DOC = (Path(__file__).resolve().parents[2] / "docs" / "followup.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("flow", workflows.WORKFLOWS, ids=lambda flow: flow.name)
def test_every_transition_is_documented(flow):
    section = DOC.split(f"(`{flow.name}`)")[1].split("\n### ")[0].split("\n## ")[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "(`" in line]
    expected = [
        f"| {row['label']} (`{row['action']}`) | {row['from']} | {row['to']} | {row['roles']} | {row['reason']} |"
        for row in flow.table()
    ]
    assert [" ".join(row.split()) for row in rows] == [" ".join(row.split()) for row in expected]


def test_every_job_is_documented():
    for name in (name for name in JOBS if name.startswith("followup.")):
        assert f"`{name}`" in DOC, name
