"""The workspace: one TinyDB file per partnership (`workspace`), written atomically (`atomic`)
under a lock (`locking`); checking and restoring the store (`doctor`). Responses themselves are
plain data in `stocktake.records.responses`.

Entry points: `workspace.Workspace`, `workspace.default_workspace_dir`, `doctor.diagnose` (what
`stocktake doctor` checks), `doctor.check_workspace`, `doctor.restore_file`.
"""
