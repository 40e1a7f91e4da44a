-- Unit tests of the MaskFill Neovim plugin's pure parts (positions, completion items, the
-- command line, settings), with no server:
--
--   nvim --headless -u NONE -i NONE -n -c "luafile editors/nvim/tests/unit.lua"
--
-- Prints one line per failure and "N passed, M failed"; exits with 1 when something failed.
-- Tests/EditorTests/NeovimChecks.swift runs it, in each Neovim the tests use.

local script = debug.getinfo(1, "S").source:sub(2)
vim.opt.runtimepath:prepend(vim.fn.fnamemodify(script, ":p:h:h"))
local mf = require("maskfill")

local passed, failed = 0, 0
local function check(name, condition, detail)
  if condition then
    passed = passed + 1
  else
    failed = failed + 1
    io.stdout:write(("FAIL %s%s\n"):format(name, detail and (": " .. detail) or ""))
  end
end

local function eq(name, actual, expected)
  check(name, vim.deep_equal(actual, expected), ("expected %s, got %s"):format(vim.inspect(expected), vim.inspect(actual)))
end

local function range(line, from, to)
  return { start = { line = line, character = from }, ["end"] = { line = line, character = to } }
end

-- Positions: é and à are 2 bytes and 1 UTF-16 unit, 🎬 is 4 bytes and 2 units.
local line = "Déjà 🎬 <mask>"
eq("utf-16 column of the end", mf._char_col(line, #line, "utf-16"), 14)
eq("utf-32 column of the end", mf._char_col(line, #line, "utf-32"), 13)
eq("utf-8 column of the end", mf._char_col(line, #line, "utf-8"), #line)
eq("byte of utf-16 column 8 (the mask)", mf._byte_col(line, 8, "utf-16"), #"Déjà 🎬 ")
eq("byte of utf-32 column 7 (the mask)", mf._byte_col(line, 7, "utf-32"), #"Déjà 🎬 ")
eq("byte of a column past the end", mf._byte_col(line, 99, "utf-16"), #line)
for col = 0, #line do
  local char = mf._char_col(line, col, "utf-16")
  local back = mf._byte_col(line, char, "utf-16")
  -- A column inside a character maps back to the character's end.
  check("utf-16 round trip at byte " .. col, back >= col and back - col < 4)
end

-- Completion items that all replace the mask.
local text = "I have watched this <mask>"
local result = {
  isIncomplete = false,
  items = {
    { label = "film", detail = "20%", sortText = "0001", filterText = "<mask>", textEdit = { range = range(0, 20, 26), newText = "film" } },
    { label = "movie", detail = "31%", sortText = "0000", filterText = "<mask>", textEdit = { range = range(0, 20, 26), newText = "movie" } },
  },
}
local start, items = mf._complete_items(result, text, 0, #text, "utf-16")
eq("start at the mask", start, 20)
eq("words in the model's order", vim.tbl_map(function(i) return i.word end, items), { "movie", "film" })
eq("labels shown", vim.tbl_map(function(i) return i.abbr end, items), { "movie", "film" })
eq("scores shown", vim.tbl_map(function(i) return i.menu end, items), { "31%", "20%" })
eq("no text after the cursor to remove", items[1].user_data.maskfill.tail, "")

-- A candidate that continues the previous word starts at the space: the menu starts there and
-- the other words keep the space.
result.items[3] = {
  label = "ing", detail = "5%", sortText = "0002", filterText = " <mask>",
  textEdit = { range = range(0, 19, 26), newText = "ing" },
}
start, items = mf._complete_items(result, text, 0, #text, "utf-16")
eq("start at the space", start, 19)
eq("words from the space", vim.tbl_map(function(i) return i.word end, items), { " movie", " film", "ing" })

-- The cursor inside the mask: what follows it is removed after the choice.
start, items = mf._complete_items(result, text, 0, #"I have watched this <ma", "utf-16")
eq("tail after a cursor inside the mask", items[1].user_data.maskfill.tail, "sk>")

-- A bare list of items, and items without textEdit (inserted at the cursor).
start, items = mf._complete_items({ { label = "x" } }, text, 0, #text, "utf-16")
eq("bare list", { start, items[1].word }, { #text, "x" })

-- Non-ASCII text before the mask, in UTF-16 positions.
local utf = "Déjà 🎬 <mask>"
start, items = mf._complete_items({ items = { { label = "vu", textEdit = { range = range(0, 8, 14), newText = "vu" } } } }, utf, 0, #utf, "utf-16")
eq("start after non-ASCII text", start, #"Déjà 🎬 ")

-- After a choice: the rest of the mask and additionalTextEdits.
local buf = vim.api.nvim_create_buf(false, true)
vim.api.nvim_set_current_buf(buf)
vim.api.nvim_buf_set_lines(buf, 0, -1, false, { "I have watched this movsk> now" })
vim.api.nvim_win_set_cursor(0, { 1, #"I have watched this mov" })
mf._complete_done(buf, { user_data = { maskfill = { tail = "sk>" } } })
eq("tail removed", vim.api.nvim_get_current_line(), "I have watched this mov now")
vim.api.nvim_buf_set_lines(buf, 0, -1, false, { "I was walk ing" })
vim.api.nvim_win_set_cursor(0, { 1, #"I was walk ing" })
mf._complete_done(buf, {
  user_data = { maskfill = { tail = "", encoding = "utf-16", additional = { { range = range(0, 10, 11), newText = "" } } } },
})
eq("additionalTextEdits applied", vim.api.nvim_get_current_line(), "I was walking")
-- (Normal mode here: the cursor stood on the last "g" and still does.)
eq("cursor still on the word", vim.api.nvim_win_get_cursor(0)[2], #"I was walkin")
mf._complete_done(buf, { word = "x" })
mf._complete_done(buf, {})
eq("other completions untouched", vim.api.nvim_get_current_line(), "I was walking")

-- The server command.
local saved_path = vim.env.PATH
vim.env.PATH = "/nonexistent"
local cmd, problem = mf.resolve_cmd(nil)
check("nothing on PATH", cmd == nil and problem:find("cannot find the `maskfill` executable on PATH", 1, true) ~= nil, problem)
vim.env.PATH = saved_path
cmd, problem = mf.resolve_cmd("/nonexistent/maskfill")
check("a missing path", cmd == nil and problem:find("cannot run /nonexistent/maskfill", 1, true) ~= nil, problem)
eq("a path to an executable", mf.resolve_cmd("/bin/sh"), { "/bin/sh", "lsp" })
eq("a whole command", mf.resolve_cmd({ "/bin/sh", "lsp", "--verbose" }), { "/bin/sh", "lsp", "--verbose" })
cmd, problem = mf.resolve_cmd(42)
check("a wrong type", cmd == nil and problem ~= nil)

-- Settings.
eq("no settings", vim.fn.json_encode(mf.settings({})):gsub("%s", ""), '{"maskfill":{}}')
local settings = mf.settings({ model_path = "~/models/x/", top_k = 7, mask_tokens = { "___" }, context_tokens = 64 })
eq("settings", settings.maskfill, {
  modelPath = vim.fn.expand("~") .. "/models/x", topK = 7, maskTokens = { "___" }, contextTokens = 64,
})

-- Without a server.
local notes = {}
local notify = vim.notify
vim.notify = function(message, level)
  table.insert(notes, { message = message, level = level })
end
mf.setup({ cmd = "/bin/sh" })
vim.cmd("enew")
vim.bo.filetype = "markdown"
eq("omnifunc without a server", mf.omnifunc(1, ""), -3)
eq("no client for an unnamed buffer", mf.client(0), nil)
mf.fill_all(0)
check("fill_all without a server says so", #notes == 1 and notes[1].message:find("no MaskFill server is attached", 1, true) ~= nil, vim.inspect(notes))
vim.notify = notify
eq(":MaskFillAll defined", vim.fn.exists(":MaskFillAll"), 2)

io.stdout:write(("%d passed, %d failed\n"):format(passed, failed))
vim.cmd(failed == 0 and "qall!" or "cquit 1")
