"""`stocktake demo`: simulated stocktakes of real authorities (`simulation`), with who answers
and what they cite in each bank's era (`eras`). Every response it writes carries the demo mark
(stocktake.records.provenance), so every output made from it says SIMULATED.

Entry points: `simulation.simulate_waves`, `simulation.write_demo`.
"""
