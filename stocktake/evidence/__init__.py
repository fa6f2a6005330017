"""Published evidence beside the self-assessment: DfE's LAIT indicators and statistical neighbours.

- :mod:`stocktake.evidence.indicators`  loading the shipped data, or a user's LAIT long-format extract
- :mod:`stocktake.evidence.neighbours`  the statistical neighbours list (May 2025)
- :mod:`stocktake.evidence.bands`       LAIT's quartile bands A-D with polarity (pure)
- :mod:`stocktake.evidence.report`      one authority's view of each measure (pure)
- :mod:`stocktake.evidence.flags`       the self-view against evidence rule (pure)
- :mod:`stocktake.evidence.area_view`   what `evidence` and `neighbours` show, and the flags
  under `scores`, as results with to_json() (the self-view's scores come from the caller)
- :mod:`stocktake.evidence.build`       building the package data from the shared LAIT files

Nothing here is imported by `stocktake --help`; commands import it when they need it.
"""
