-- What the Neovim end-to-end scripts (e2e.lua, lsp_enable.lua) share: the environment they
-- read, the results they record, and waits that let Neovim run while a step waits.
--
-- A script runs as a coroutine; waits yield to Neovim's main loop, so typed keys, LSP messages
-- and timers are processed as they are for a user. The results go to MASKFILL_TEST_OUT (JSON);
-- Neovim exits 0 when every step ran, and the Swift tests judge the results.

local api = vim.api
local uv = vim.uv or vim.loop

local H = { api = api }

local function env(name)
  local value = os.getenv(name)
  if value == nil or value == "" then
    error(name .. " is not set")
  end
  return value
end

local script = debug.getinfo(1, "S").source:sub(2)
H.plugin_root = vim.fn.fnamemodify(script, ":p:h:h")
H.bin = env("MASKFILL_BIN")
H.model = env("MASKFILL_TEST_MODEL")
H.dir = env("MASKFILL_TEST_DIR")
local out_path = env("MASKFILL_TEST_OUT")
local step_timeout = tonumber(os.getenv("MASKFILL_TEST_STEP_TIMEOUT_MS") or "15000")

local version = vim.version()
local results = {
  nvim_version = ("%d.%d.%d"):format(version.major, version.minor, version.patch),
  plugin_root = H.plugin_root,
  notifications = {},
  steps = {},
}
H.results = results
local current_step = "start"

vim.notify = function(message, level)
  table.insert(results.notifications, { message = tostring(message), level = level or vim.log.levels.INFO })
end

-- Deprecated Neovim functions the plugin calls (Neovim reports each through vim.deprecate).
results.deprecations = {}
if vim.deprecate then
  local deprecate = vim.deprecate
  vim.deprecate = function(name, alternative, ...)
    local trace = debug.traceback("", 2)
    table.insert(results.deprecations, { name = name, alternative = alternative, by_plugin = trace:find("/lua/maskfill/", 1, true) ~= nil })
    return deprecate(name, alternative, ...)
  end
end

local finished = false
local function finish(problem)
  if finished then
    return
  end
  finished = true
  if problem then
    results.error = ("step %s: %s"):format(current_step, problem)
  end
  local file = assert(io.open(out_path, "w"))
  file:write(vim.fn.json_encode(results))
  file:close()
  if problem then
    io.stderr:write("e2e: " .. results.error .. "\n")
    vim.cmd("cquit 1")
  else
    vim.cmd("qall!")
  end
end

local co
local function resume()
  if finished then
    return
  end
  local ok, problem = coroutine.resume(co)
  if not ok then
    finish(debug.traceback(co, tostring(problem)))
  elseif coroutine.status(co) == "dead" then
    finish(nil)
  end
end

function H.sleep(ms)
  vim.defer_fn(resume, ms)
  coroutine.yield()
end

local function now_ms()
  return uv.hrtime() / 1e6
end

function H.wait_for(what, condition, timeout)
  local deadline = now_ms() + (timeout or step_timeout)
  while true do
    local ok, value = pcall(condition)
    if ok and value then
      return value
    end
    if now_ms() > deadline then
      error(("timed out waiting for %s%s"):format(what, ok and "" or (" (" .. tostring(value) .. ")")))
    end
    H.sleep(20)
  end
end

function H.step(name)
  current_step = name
  table.insert(results.steps, name)
end

function H.type_text(text)
  api.nvim_feedkeys(text, "n", false)
end

function H.press(keys)
  api.nvim_feedkeys(api.nvim_replace_termcodes(keys, true, false, true), "n", false)
end

function H.mode()
  return api.nvim_get_mode().mode
end

function H.buffer_text(bufnr)
  local lines = api.nvim_buf_get_lines(bufnr, 0, -1, false)
  local text = table.concat(lines, "\n")
  if vim.bo[bufnr].eol then
    text = text .. "\n"
  end
  return text
end

--- Takes the selected word with <C-y>; returns the line once the menu has closed and the
--- plugin's CompleteDone handler has run.
function H.accept()
  H.press("<C-y>")
  H.wait_for("the menu to close", function()
    return vim.fn.pumvisible() == 0
  end)
  H.sleep(50)
  return api.nvim_get_current_line()
end

--- The popup menu as Neovim shows it.
function H.popup_items()
  local info = vim.fn.complete_info({ "mode", "items", "selected" })
  local items = {}
  for _, item in ipairs(info.items or {}) do
    table.insert(items, { word = item.word, abbr = item.abbr, menu = item.menu, kind = item.kind })
  end
  return { mode = info.mode, selected = info.selected, items = items, pumvisible = vim.fn.pumvisible() }
end

--- Runs `steps` as the script's coroutine; nothing may hang (the Swift test also kills Neovim
--- after its own timeout).
function H.run(steps)
  co = coroutine.create(function()
    local ok, problem = xpcall(steps, debug.traceback)
    if not ok then
      error(problem, 0)
    end
  end)
  vim.defer_fn(function()
    finish("the whole test took longer than 50 s")
  end, 50000)
  vim.schedule(resume)
end

return H
