"""The scoring method and benchmarks as pure functions (`method`, `benchmark`, `precision`), and gathering a workspace's responses for them (`national`).

Entry points: `method.score_partnership`, `benchmark.build_benchmark`, `national.partnership_scores`, `national.national_benchmark`.
"""
