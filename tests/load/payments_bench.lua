-- wrk script for tests/load/payments_bench.sh: signed Stripe webhook
-- events taken from a file of "SIGNATURE<TAB>BODY" lines, each thread its
-- own share, each line once (then from the top again: duplicates).
--
--   wrk -tT ... -s payments_bench.lua URL -- EVENTS_FILE T [HOST]
--
-- Counts events recorded (200 without "duplicate"), duplicates (200 with)
-- and anything else, and prints recorded/s.

local threads = {}
local counter = 1

function setup(thread)
    thread:set("id", counter)
    counter = counter + 1
    table.insert(threads, thread)
end

local mine = {}
local host
local i = 0
recorded, dups, failed = 0, 0, 0

function init(args)
    local n = tonumber(args[2] or "1")
    local k = 0
    for line in io.lines(args[1]) do
        local sig, body = line:match("^(%S+)\t(.*)$")
        if sig then
            if k % n == id - 1 then
                table.insert(mine, { sig, body })
            end
            k = k + 1
        end
    end
    host = args[3] or "localhost"
end

function request()
    i = i + 1
    local e = mine[((i - 1) % #mine) + 1]
    return wrk.format("POST", "/webhooks/payments/card",
        { ["Host"] = host, ["Content-Type"] = "application/json",
          ["Stripe-Signature"] = e[1] }, e[2])
end

function response(status, hdrs, body)
    if status == 200 and body:find('"duplicate"', 1, true) then
        dups = dups + 1
    elseif status == 200 then
        recorded = recorded + 1
    else
        failed = failed + 1
        if failed <= 3 then
            io.stderr:write(string.format("  answer %d: %s\n", status,
                body:sub(1, 200)))
        end
    end
end

function done(summary, latency, requests)
    local r, d, f = 0, 0, 0
    for _, t in ipairs(threads) do
        r = r + t:get("recorded")
        d = d + t:get("dups")
        f = f + t:get("failed")
    end
    local secs = summary.duration / 1e6
    io.write(string.format("BENCH recorded=%d duplicate=%d failed=%d " ..
        "recorded_per_s=%.1f\n", r, d, f, r / secs))
end
