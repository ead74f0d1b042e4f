"""Review and approval: the pull-request digest and recording approvals in kits."""
