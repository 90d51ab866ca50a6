-- POST the demo survey with a fresh response UUID each time (wrk, one Lua state per thread).
-- CHORUS_COOKIE: the session cookie a GET of the survey set; CHORUS_BODY: the form body with
-- the text RESPONSE_ID where the UUID goes. CHORUS_PATH: the survey path.
local body = os.getenv("CHORUS_BODY")
local cookie = os.getenv("CHORUS_COOKIE")
local path = os.getenv("CHORUS_PATH") or "/s/demo"
local thread_number = 0

function setup(thread)
  thread_number = thread_number + 1
  thread:set("number", thread_number)
end

function init(args)
  math.randomseed(os.time() * 1000 + (number or 0) * 7919)
end

local function uuid4()
  local template = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"
  return (string.gsub(template, "[xy]", function(c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%x", v)
  end))
end

function request()
  local this_body = string.gsub(body, "RESPONSE_ID", uuid4())
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
    ["Accept-Encoding"] = "gzip",
  }, this_body)
end
