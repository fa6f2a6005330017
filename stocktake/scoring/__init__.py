"""The scoring method and benchmarks as pure functions (`method`, `benchmark`, `precision`), gathering a workspace's responses for them (`national`), and what the commands show as one result each (`partnership_view`, `trend_view`, `benchmark_view`, `self_view`).

Entry points: `method.score_partnership`, `benchmark.build_benchmark`, `national.partnership_scores`, `national.national_benchmark`, `partnership_view.partnership_view`, `trend_view.trend_view`, `benchmark_view.benchmark_view`, `self_view.evidence_view`.
"""
