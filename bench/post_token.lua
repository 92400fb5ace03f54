-- Login scenario: POST /api/v1/auth/token with a correct password (the demo's admin account,
-- whose password bench/run.py resets to demo12345), so the lockout is never reached.
wrk.method = "POST"
wrk.body = '{"username": "admin", "password": "demo12345"}'
wrk.headers["Content-Type"] = "application/json"

done = function(summary, latency, requests)
  io.write(string.format("P95_US %d\n", latency:percentile(95)))
end
