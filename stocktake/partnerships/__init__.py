"""Partnerships and the shipped list of English authorities: the Partnership type, its code rule and name resolution (`model`), the authority list with GSS codes and DfE numbers (`reference`).

Entry points: `model.partnership_for`, `model.resolve_code`, `reference.authority`.
"""
