"""The repository scanner: fetch a repository (``fetch``), look at its files and history (``tree``), run
the checks (``checks`` here, and the licence checks of the sibling package ``seedbed.dpg.licences``),
each returning a ``CheckResult`` with its evidence (``types``); ``run`` does all of it for one source."""
