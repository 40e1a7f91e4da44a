-- End-to-end test of the MaskFill Neovim plugin in a real (headless) Neovim, with the real
-- `maskfill lsp`. Tests/EditorTests/NeovimSession.swift runs it (in Debian's Neovim and a current one)
-- and NeovimChecks.swift checks what it writes:
--
--   MASKFILL_BIN=.build/debug/maskfill MASKFILL_TEST_MODEL=Tests/InferenceTests/Fixtures/tiny-bert \
--   MASKFILL_TEST_DIR=/tmp/work MASKFILL_TEST_OUT=/tmp/work/results.json \
--   nvim --headless -u NONE -i NONE -n -c "luafile editors/nvim/tests/e2e.lua"
--
-- It types in insert mode, asks for completion with <C-x><C-o>, hovers, runs :MaskFillAll and
-- :checkhealth maskfill, opens the menu with `autotrigger` (0.11+), takes a code action, shows
-- `inlay_hints` (0.10+), and records what the editor shows in MASKFILL_TEST_OUT (JSON). The exit
-- code is 0 when every step ran; the Swift test judges the results.

local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h") .. "/harness.lua")
local api = H.api
local plugin_root, bin, model, dir, results = H.plugin_root, H.bin, H.model, H.dir, H.results
local step, sleep, wait_for, type_text, press, mode, buffer_text, popup_items, accept =
  H.step, H.sleep, H.wait_for, H.type_text, H.press, H.mode, H.buffer_text, H.popup_items, H.accept

-- Neovim 0.11 made client.request a method; the plugin's helper covers both (the plugin is on
-- 'runtimepath' by the time a request is sent).
local has_011 = vim.fn.has("nvim-0.11") == 1
local function client_request(...)
  return require("maskfill")._client_request(...)
end

local function request(client, method, params, bufnr)
  local answer = nil
  local handler = function(err, result)
    answer = { err = err, result = result }
  end
  client_request(client, method, params, handler, bufnr)
  wait_for(method .. " answer", function()
    return answer
  end)
  if answer.err then
    error(method .. " failed: " .. vim.inspect(answer.err))
  end
  return answer.result
end

-- A stand-in for `client` whose first completion request is answered, without the server, as
-- an overtaken one (an empty list marked incomplete); everything else goes to `client`.
local function overtaking_first_completion(client)
  local proxy = setmetatable({ completion_requests = 0 }, { __index = client })
  local function send(method, params, handler, bufnr)
    if method == "textDocument/completion" then
      proxy.completion_requests = proxy.completion_requests + 1
      if proxy.completion_requests == 1 then
        vim.schedule(function()
          handler(nil, { isIncomplete = true, items = {} }, { method = method, bufnr = bufnr })
        end)
        return true, -1
      end
    end
    return client_request(client, method, params, handler, bufnr)
  end
  if has_011 then
    proxy.request = function(_, ...)
      return send(...)
    end
  else
    proxy.request = send
  end
  return proxy
end

local function position_params(client)
  local cursor = api.nvim_win_get_cursor(0)
  local line = api.nvim_get_current_line()
  local mf = require("maskfill")
  return {
    textDocument = { uri = vim.uri_from_bufnr(0) },
    position = { line = cursor[1] - 1, character = mf._char_col(line, cursor[2], client.offset_encoding or "utf-16") },
  }
end

-- Types `before_cursor`, asks for completion with <C-x><C-o> and records the raw server answer
-- and the popup menu.
local function complete_after(label, client, text)
  type_text(text)
  local line_end = text:match("([^\r]*)$")
  wait_for("the typed text " .. vim.inspect(line_end), function()
    return mode() == "i" and api.nvim_get_current_line() == line_end
  end)
  local record = { line = api.nvim_get_current_line(), cursor = api.nvim_win_get_cursor(0)[2] }
  -- A reply marked incomplete means the request was overtaken (a didChange of the text just
  -- typed can arrive while it waits): ask again, as a client does.
  for _ = 1, 10 do
    record.raw = request(client, "textDocument/completion", position_params(client), api.nvim_get_current_buf())
    if not (type(record.raw) == "table" and record.raw.isIncomplete) then
      break
    end
    sleep(50)
  end
  press("<C-x><C-o>")
  wait_for("the completion menu", function()
    return vim.fn.pumvisible() == 1 and #vim.fn.complete_info({ "items" }).items > 0
  end)
  record.menu = popup_items()
  record.line_with_menu = api.nvim_get_current_line()
  results[label] = record
  return record
end

local function floating_windows()
  local wins = {}
  for _, win in ipairs(api.nvim_list_wins()) do
    if api.nvim_win_get_config(win).relative ~= "" then
      table.insert(wins, win)
    end
  end
  return wins
end

local function run()
  vim.opt.runtimepath:prepend(plugin_root)
  vim.cmd("filetype on")
  vim.o.swapfile = false
  local mf = require("maskfill")

  step("commands exist without plugin/ being sourced")
  results.plugin_sourced = vim.g.loaded_maskfill ~= nil
  results.command_before_setup = vim.fn.exists(":MaskFillAll")

  step("a missing executable is reported")
  mf.setup({ cmd = dir .. "/no-such-dir/maskfill", model_path = model })
  results.command_after_setup = vim.fn.exists(":MaskFillAll")
  vim.cmd("edit " .. vim.fn.fnameescape(dir .. "/missing.md"))
  wait_for("a notification about the missing executable", function()
    return #results.notifications > 0
  end)
  results.missing_binary_notifications = vim.deepcopy(results.notifications)
  results.missing_binary_clients = #(vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients())
  vim.cmd("bwipeout!")
  results.notifications = {}

  step("setup starts the server for a markdown buffer")
  mf.setup({ cmd = bin, model_path = model, top_k = 5 })
  local path = dir .. "/review.md"
  vim.cmd("edit " .. vim.fn.fnameescape(path))
  local bufnr = api.nvim_get_current_buf()
  local client = wait_for("the maskfill client to initialize", function()
    local c = mf.client(bufnr)
    return c and c.initialized and c.server_capabilities and c
  end)
  results.client = {
    name = client.name,
    cmd = client.config.cmd,
    filetype = vim.bo[bufnr].filetype,
    omnifunc = vim.bo[bufnr].omnifunc,
    offset_encoding = client.offset_encoding,
    trigger_characters = client.server_capabilities.completionProvider.triggerCharacters,
    execute_commands = client.server_capabilities.executeCommandProvider.commands,
    init_options = client.config.init_options,
  }

  step("completion right after <mask>, dismissed with <C-e>; the omnifunc's first reply overtaken")
  local client_of = mf.client
  local proxy = overtaking_first_completion(client)
  mf.client = function(b)
    return client_of(b) and proxy
  end
  complete_after("completion", client, "i# Review\r\rI have watched this <mask>")
  mf.client = client_of
  results.completion.omnifunc_requests = proxy.completion_requests
  press("<C-e>")
  wait_for("the menu to close", function()
    return vim.fn.pumvisible() == 0
  end)
  results.completion.line_after_dismiss = api.nvim_get_current_line()
  type_text(" and it was awesome.")
  wait_for("the sentence", function()
    return api.nvim_get_current_line() == "I have watched this <mask> and it was awesome."
  end)

  step("completion after [MASK], accepted with <C-y>")
  complete_after("accepted", client, "\r\rThe [MASK] was long, but the acting was <mask>")
  results.accepted.line_after_accept = accept()

  step("completion with the cursor inside a mask, after non-ASCII text")
  local inside_line = "Déjà vu 🎬: the cursor stands in this <mask>"
  complete_after("inside", client, ".\r" .. inside_line)
  -- Reopen the menu with the cursor between "<ma" and "sk>".
  press("<C-e><Left><Left><Left>")
  wait_for("the cursor inside the mask", function()
    return vim.fn.pumvisible() == 0 and api.nvim_win_get_cursor(0)[2] == #inside_line - 3
  end)
  press("<C-x><C-o>")
  wait_for("the completion menu", function()
    return vim.fn.pumvisible() == 1
  end)
  results.inside.menu_inside = popup_items()
  results.inside.line_with_menu_inside = api.nvim_get_current_line()
  results.inside.line_after_accept = accept()
  press("<End>")

  step("more masks, some in code")
  type_text(".\rKeep `<mask>` in code, fill [MASK] here.\r```\r<mask> in a fence\r```\r")
  press("<Esc>")
  wait_for("normal mode", function()
    return mode() == "n" and api.nvim_buf_get_lines(bufnr, -2, -1, false)[1] == ""
  end)
  results.typed_text = buffer_text(bufnr)

  step("hover on a mask")
  local row = nil
  for index, line in ipairs(api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    if line == "I have watched this <mask> and it was awesome." then
      row = index
    end
  end
  assert(row, "the typed sentence is not in the buffer")
  api.nvim_win_set_cursor(0, { row, #"I have watched this <m" })
  local hover = request(client, "textDocument/hover", position_params(client), bufnr)
  results.hover = { raw = hover }
  vim.lsp.buf.hover()
  local float = wait_for("the hover window", function()
    return floating_windows()[1]
  end)
  results.hover.window_lines = api.nvim_buf_get_lines(api.nvim_win_get_buf(float), 0, -1, false)
  api.nvim_win_close(float, true)

  step(":MaskFillAll")
  results.notifications = {}
  local tick = api.nvim_buf_get_changedtick(bufnr)
  results.fill = { before = buffer_text(bufnr) }
  -- The edit the server sends, as the client receives it: versioned, since the plugin says
  -- Neovim applies versioned edits.
  local apply_edit = vim.lsp.handlers["workspace/applyEdit"]
  vim.lsp.handlers["workspace/applyEdit"] = function(err, params, ctx, config)
    local change = params and params.edit and params.edit.documentChanges and params.edit.documentChanges[1]
    results.fill.edit_version = change and change.textDocument.version or vim.NIL
    results.fill.buffer_version = vim.lsp.util.buf_versions[bufnr]
    return apply_edit(err, params, ctx, config)
  end
  vim.cmd("MaskFillAll")
  wait_for("the fill-all notification", function()
    for _, note in ipairs(results.notifications) do
      if note.message:find("^maskfill: ") then
        return true
      end
    end
  end)
  wait_for("the buffer to change", function()
    return api.nvim_buf_get_changedtick(bufnr) ~= tick
  end)
  vim.lsp.handlers["workspace/applyEdit"] = apply_edit
  results.fill.after = buffer_text(bufnr)
  results.fill.notifications = vim.deepcopy(results.notifications)
  results.fill.modified = vim.bo[bufnr].modified
  vim.cmd("undo")
  results.fill.after_undo = buffer_text(bufnr)
  vim.cmd("redo")

  step(":MaskFillAll with no masks left")
  results.notifications = {}
  vim.cmd("MaskFillAll")
  wait_for("the notification", function()
    return #results.notifications > 0
  end)
  results.fill.second_notifications = vim.deepcopy(results.notifications)

  step(":checkhealth maskfill")
  vim.cmd("checkhealth maskfill")
  results.health = api.nvim_buf_get_lines(0, 0, -1, false)
  -- Without model_path (and without $MASKFILL_MODEL) it reports the default model.
  mf.config.model_path = nil
  vim.cmd("checkhealth maskfill")
  results.health_default_model = api.nvim_buf_get_lines(0, 0, -1, false)

  step("autotrigger: the menu opens as the > of <mask> is typed (0.11+), or a warning")
  results.notifications = {}
  mf.config.autotrigger = true
  vim.cmd("edit " .. vim.fn.fnameescape(dir .. "/auto.md"))
  local auto_buf = api.nvim_get_current_buf()
  wait_for("the client on the new buffer", function()
    local c = mf.client(auto_buf)
    return c and c.initialized
  end)
  results.autotrigger = { available = vim.lsp.completion ~= nil and vim.lsp.completion.enable ~= nil }
  if results.autotrigger.available then
    type_text("iI have watched this <mask>")
    wait_for("the menu, without <C-x><C-o>", function()
      return vim.fn.pumvisible() == 1
    end)
    results.autotrigger.menu = popup_items()
    results.autotrigger.line_with_menu = api.nvim_get_current_line()
    results.autotrigger.line_after_accept = accept()
    press("<Esc>")
  else
    wait_for("the warning", function()
      return #results.notifications > 0
    end)
  end
  results.autotrigger.notifications = vim.deepcopy(results.notifications)

  step("code action on a mask: Replace with …")
  press("<Esc>")
  wait_for("normal mode", function()
    return mode() == "n"
  end)
  local action_line = "The acting was <mask>."
  api.nvim_buf_set_lines(auto_buf, -1, -1, false, { action_line })
  local action_row = api.nvim_buf_line_count(auto_buf)
  api.nvim_win_set_cursor(0, { action_row, #"The acting was <ma" })
  local select = vim.ui.select
  local offered = nil
  vim.ui.select = function(items, opts, on_choice)
    offered = {}
    local choice = nil
    for index, item in ipairs(items) do
      local title = (opts.format_item and opts.format_item(item)) or tostring(item)
      table.insert(offered, title)
      if choice == nil and title:find("Replace with", 1, true) then
        choice = index
      end
    end
    on_choice(choice and items[choice], choice)
  end
  local before_tick = api.nvim_buf_get_changedtick(auto_buf)
  vim.lsp.buf.code_action()
  wait_for("the replaced mask", function()
    return api.nvim_buf_get_changedtick(auto_buf) ~= before_tick
  end)
  vim.ui.select = select
  results.code_action = {
    line = action_line,
    offered = offered,
    line_after = api.nvim_buf_get_lines(auto_buf, action_row - 1, action_row, false)[1],
  }

  step("inlay hints after each mask (0.10+), or a warning")
  results.notifications = {}
  mf.config.inlay_hints = true
  vim.cmd("edit " .. vim.fn.fnameescape(dir .. "/hints.md"))
  local hints_buf = api.nvim_get_current_buf()
  api.nvim_buf_set_lines(hints_buf, 0, -1, false, { "I have watched this <mask> and it was <mask>.", "No mask here." })
  wait_for("the client on the hints buffer", function()
    local c = mf.client(hints_buf)
    return c and c.initialized
  end)
  results.inlay_hints = { available = vim.lsp.inlay_hint ~= nil and vim.fn.has("nvim-0.10") == 1 }
  if results.inlay_hints.available then
    -- What the screen shows: extmarks with virtual text, in any namespace.
    local function virtual_texts()
      local shown = {}
      for _, id in pairs(api.nvim_get_namespaces()) do
        for _, mark in ipairs(api.nvim_buf_get_extmarks(hints_buf, id, 0, -1, { details = true })) do
          if mark[4].virt_text then
            local text = {}
            for _, chunk in ipairs(mark[4].virt_text) do
              table.insert(text, chunk[1])
            end
            table.insert(shown, { row = mark[2], col = mark[3], text = table.concat(text) })
          end
        end
      end
      return shown
    end
    results.inlay_hints.shown = wait_for("two inlay hints shown", function()
      local shown = virtual_texts()
      return #shown >= 2 and shown
    end)
  else
    wait_for("the warning", function()
      return #results.notifications > 0
    end)
  end
  results.inlay_hints.notifications = vim.deepcopy(results.notifications)
end

H.run(run)
