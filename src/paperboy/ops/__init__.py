"""The operations endpoint: `/livez`, `/readyz` and `/metrics` for whoever runs paperboy.

`metrics.PrometheusMetrics` is the core's `Metrics` port over one `CollectorRegistry`
per App; `readiness.Readiness` decides whether the process should get traffic;
`loop_lag.LoopLag` measures how late the event loop runs what is due; `server.OpsServer`
serves all three over HTTP. The composition root (app.py) builds and starts them.
"""
