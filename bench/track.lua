-- Case tracking scenario: POST /api/v1/cases/track with a random bench case's tracking code and
-- the bench secret, in the body (never in the URL). Arguments (after `--`): the file of codes
-- that bench/run.py writes (one per line), and the secret.
local codes = {}
local secret = ""

function init(args)
  secret = args[2]
  for code in io.lines(args[1]) do
    codes[#codes + 1] = code
  end
  math.randomseed(os.time())
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

function request()
  local code = codes[math.random(#codes)]
  return wrk.format(nil, nil, nil, '{"tracking_code": "' .. code .. '", "secret": "' .. secret .. '"}')
end

done = function(summary, latency, requests)
  io.write(string.format("P95_US %d\n", latency:percentile(95)))
end
