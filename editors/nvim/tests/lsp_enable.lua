-- The README's set-up without setup(): Neovim 0.11's vim.lsp.config + vim.lsp.enable start
-- the server, and the plugin stays on 'runtimepath' for its omnifunc and :MaskFillAll.
-- Tests/EditorTests/CurrentNeovimPluginTests.swift runs it (plugin/ files sourced, as a user's
-- Neovim does):
--
--   MASKFILL_BIN=... MASKFILL_TEST_MODEL=... MASKFILL_TEST_DIR=... MASKFILL_TEST_OUT=... \
--   nvim --headless --clean -n --cmd "set runtimepath^=editors/nvim" -c "luafile editors/nvim/tests/lsp_enable.lua"

local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h") .. "/harness.lua")
local api, results = H.api, H.results

local function maskfill_client(bufnr)
  for _, client in ipairs(vim.lsp.get_clients({ bufnr = bufnr, name = "maskfill" })) do
    if client.initialized then
      return client
    end
  end
end

-- Types `text` in insert mode, opens the menu with <C-x><C-o> after pressing `keys`, and takes
-- the first word with <C-y>.
local function complete(record_key, text, keys)
  H.type_text(text)
  local line_end = text:match("([^\r]*)$")
  H.wait_for("the typed text " .. vim.inspect(line_end), function()
    return H.mode() == "i" and api.nvim_get_current_line() == line_end
  end)
  if keys then
    H.press(keys)
    H.sleep(50)
  end
  local record = { line = api.nvim_get_current_line(), cursor = api.nvim_win_get_cursor(0)[2] }
  -- The first request can be overtaken by the didChange of the text just typed (an empty
  -- reply marked incomplete); the omnifunc asks again, and so does the test.
  for _ = 1, 20 do
    H.press("<C-x><C-o>")
    local shown = pcall(H.wait_for, "the completion menu", function()
      return vim.fn.pumvisible() == 1
    end, 1000)
    if shown then
      break
    end
  end
  record.menu = H.popup_items()
  record.line_after_accept = H.accept()
  results[record_key] = record
  H.press("<End>")
end

H.run(function()
  H.step("vim.lsp.config and vim.lsp.enable, as the README says")
  results.plugin_sourced = vim.g.loaded_maskfill ~= nil
  vim.lsp.config("maskfill", {
    cmd = { H.bin, "lsp" },
    filetypes = { "text", "markdown" },
    init_options = { maskfill = { modelPath = H.model } },
    on_attach = function(_, bufnr)
      require("maskfill").use_omnifunc(bufnr)
    end,
  })
  vim.lsp.enable("maskfill")
  vim.cmd("edit " .. vim.fn.fnameescape(H.dir .. "/notes.md"))
  local bufnr = api.nvim_get_current_buf()
  local client = H.wait_for("the maskfill client to initialize", function()
    return maskfill_client(bufnr)
  end)
  results.client = { offset_encoding = client.offset_encoding, omnifunc = vim.bo[bufnr].omnifunc }

  H.step("completion right after a mask")
  H.press("i")
  complete("after", "I have watched this <mask>")

  H.step("completion with the cursor inside a mask")
  complete("inside", " and it was awesome.\rThe acting was <mask>", "<Left><Left><Left>")

  H.step(":MaskFillAll")
  H.type_text(".\rOne more <mask> here.")
  H.press("<Esc>")
  H.wait_for("normal mode", function()
    return H.mode() == "n"
  end)
  results.fill = { before = H.buffer_text(bufnr) }
  local tick = api.nvim_buf_get_changedtick(bufnr)
  vim.cmd("MaskFillAll")
  H.wait_for("the buffer to change", function()
    return api.nvim_buf_get_changedtick(bufnr) ~= tick
  end)
  H.wait_for("the fill-all notification", function()
    for _, note in ipairs(results.notifications) do
      if note.message:find("^maskfill: filled") then
        return true
      end
    end
  end)
  results.fill.after = H.buffer_text(bufnr)
end)
