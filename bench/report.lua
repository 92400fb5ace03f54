-- Prints the p95 latency (microseconds) for bench/run.py; wrk --latency shows 50/75/90/99 only.
done = function(summary, latency, requests)
  io.write(string.format("P95_US %d\n", latency:percentile(95)))
end
