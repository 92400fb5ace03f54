-- Case submission scenario: POST /api/v1/cases with a valid request at a bench station and a
-- new Idempotency-Key per request (so every request files a case). Arguments (after `--`): the
-- station id and a run prefix that keeps keys unique across runs.
local body = ""
local prefix = ""
local counter = 0

function init(args)
  prefix = args[2] .. "-" .. tostring(math.random(1, 1000000000))
  body = '{"category": "housing", "description": "小区3号楼楼道灯坏了半个月，晚上上下楼很不安全，希望尽快修好。", '
    .. '"address": "基准路1号", "name": "张三", "phone": "13912345678", "consent": true, "station": '
    .. args[1] .. '}'
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

function request()
  counter = counter + 1
  local headers = {["Content-Type"] = "application/json", ["Idempotency-Key"] = prefix .. "-" .. counter}
  return wrk.format("POST", nil, headers, body)
end

done = function(summary, latency, requests)
  io.write(string.format("P95_US %d\n", latency:percentile(95)))
end
