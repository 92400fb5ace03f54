-- Worker-memory scenario: cycles through the paths given after `--` (the first argument is how
-- many responses to wait for), then stops; run with one thread and one connection so that the
-- count is exact.
local paths = {}
local wanted = 0
local seen = 0
local i = 0

init = function(args)
  wanted = tonumber(args[1])
  for k = 2, #args do
    paths[#paths + 1] = args[k]
  end
end

request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end

response = function(status, headers, body)
  seen = seen + 1
  if seen >= wanted then
    wrk.thread:stop()
  end
end

done = function(summary, latency, requests)
  io.write(string.format("REQUESTS %d\n", summary.requests))
  io.write(string.format("P95_US %d\n", latency:percentile(95)))
end
