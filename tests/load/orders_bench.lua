-- wrk script for tests/load/orders_bench.sh: guest sessions taken round
-- robin from a file of "COOKIE<TAB>CSRF" lines (each thread its own share,
-- so two connections seldom use one cart at once).
--
--   wrk -tT ... -s orders_bench.lua URL -- SESSIONS_FILE MODE NSKU T
--
-- MODE add: POST /api/v1/cart/items {"sku":"BENCH-n","quantity":1}, the
-- SKUs in turn (the cart grows to NSKU lines).
-- MODE checkout: two pipelined requests per iteration on one connection
-- and one session: the add above, then POST /api/v1/checkout with a fresh
-- Idempotency-Key. wrk waits for both answers before the next pair, so
-- the place always finds the unit just added; its latency is the pair's.
-- Counts adds (201 with a cart), orders placed (201 with a number) and
-- anything else, and prints orders/s.

local threads = {}
local counter = 1

function setup(thread)
    thread:set("id", counter)
    counter = counter + 1
    table.insert(threads, thread)
end

local mine = {}
local mode, nsku
local i = 0
placed, added, failed = 0, 0, 0

local address = '{"name":"Bench Buyer","line1":"Hauptstrasse 1",' ..
    '"city":"Berlin","postcode":"10115","country":"DE"}'

function init(args)
    local all = {}
    for line in io.lines(args[1]) do
        local cookie, csrf = line:match("^(%S+)\t(%S+)$")
        if cookie then
            table.insert(all, { cookie, csrf })
        end
    end
    mode = args[2] or "add"
    nsku = tonumber(args[3] or "4")
    -- thread id of #threads: every id-th session
    local n = tonumber(args[4] or "1")
    for k, s in ipairs(all) do
        if (k - 1) % n == (id - 1) then
            table.insert(mine, s)
        end
    end
    if #mine == 0 then
        mine = all
    end
end

local function headers(s, extra)
    local h = { ["Cookie"] = s[1], ["X-CSRF-Token"] = s[2],
                ["Content-Type"] = "application/json",
                ["Accept"] = "application/json" }
    for k, v in pairs(extra or {}) do
        h[k] = v
    end
    return h
end

local function add(s)
    local sku = "BENCH-" .. ((i % nsku) + 1)
    return wrk.format("POST", "/api/v1/cart/items", headers(s),
        '{"sku":"' .. sku .. '","quantity":1}')
end

function request()
    i = i + 1
    local s = mine[(i % #mine) + 1]
    if mode == "add" then
        return add(s)
    end
    local key = string.format("bench-%d-%d-%d", id, i, os.time())
    return add(s) .. wrk.format("POST", "/api/v1/checkout",
        headers(s, { ["Idempotency-Key"] = key }),
        '{"email":"bench' .. id .. '@example.test","address":' .. address ..
        '}')
end

function response(status, hdrs, body)
    if status == 201 and body:find('"number"', 1, true) then
        placed = placed + 1
    elseif status == 201 and body:find('"cart"', 1, true) then
        added = added + 1
    else
        failed = failed + 1
        if failed <= 3 then
            io.stderr:write(string.format("  answer %d: %s\n", status,
                body:sub(1, 200)))
        end
    end
end

function done(summary, latency, requests)
    local p, a, f = 0, 0, 0
    for _, t in ipairs(threads) do
        p = p + t:get("placed")
        a = a + t:get("added")
        f = f + t:get("failed")
    end
    local secs = summary.duration / 1e6
    io.write(string.format("BENCH added=%d placed=%d failed=%d " ..
        "orders_per_s=%.1f\n", a, p, f, p / secs))
end
