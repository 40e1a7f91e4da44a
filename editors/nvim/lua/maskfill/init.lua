-- MaskFill for Neovim: starts `maskfill lsp` for text and markdown buffers.
--
--   require("maskfill").setup({})  -- or { model_path = "~/models/roberta-base" } for another model
--
-- Works on Neovim 0.7 (vim.lsp.start_client + vim.lsp.buf_attach_client) and on current
-- releases (vim.lsp.start). See :help maskfill.

local M = {}

local api = vim.api

M.defaults = {
  -- The server command: nil finds `maskfill` on PATH; a string is the path of the maskfill
  -- executable (`lsp` is added); a list is the whole command, e.g. { "maskfill", "lsp", "--verbose" }.
  cmd = nil,
  -- A model folder (config.json, model.safetensors, tokenizer.json); nil lets the server use
  -- $MASKFILL_MODEL or the model shipped with maskfill.
  model_path = nil,
  -- Candidates per mask (1 to 50); nil keeps the server's default (5).
  top_k = nil,
  -- Spellings that count as masks, e.g. { "<mask>", "___" }; nil keeps `<mask>`, `[MASK]`
  -- and the model's own token.
  mask_tokens = nil,
  -- Most tokens of context around a mask (16 to 4096); nil keeps the server's default.
  context_tokens = nil,
  -- The filetypes the server starts for.
  filetypes = { "text", "markdown" },
  -- Set 'omnifunc' so that <C-x><C-o> offers the candidates (see :help maskfill-omnifunc).
  omnifunc = true,
  -- Neovim 0.11+: open the menu by itself as the `>` of `<mask>` is typed (Neovim's built-in
  -- LSP completion, vim.lsp.completion). Off by default: nvim-cmp users have their own menu.
  autotrigger = false,
  -- Neovim 0.10+: show each mask's best candidate and its probability after the mask, as an
  -- inlay hint (vim.lsp.inlay_hint). Off by default.
  inlay_hints = false,
  -- Client capabilities, e.g. require("cmp_nvim_lsp").default_capabilities() for nvim-cmp.
  capabilities = nil,
  -- Called as on_attach(client, bufnr) after the plugin's own setup of the buffer.
  on_attach = nil,
}

M.config = nil
M.name = "maskfill"
M.fill_command = "maskfill.fillAll"

local group = nil
local client_id = nil
local warned = {}
local exiting = false

local has_011 = vim.fn.has("nvim-0.11") == 1

local function notify(message, level)
  vim.notify("maskfill: " .. message, level or vim.log.levels.INFO)
end

-- Warn once per message, so a missing binary is not reported for every buffer.
local function warn_once(message, level)
  if warned[message] then
    return
  end
  warned[message] = true
  notify(message, level or vim.log.levels.ERROR)
end

-- Client methods are called with `:` from 0.11 on, with `.` before.
local function client_request(client, method, params, handler, bufnr)
  if has_011 then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end
M._client_request = client_request

local function client_notify(client, method, params)
  if has_011 then
    return client:notify(method, params)
  end
  return client.notify(method, params)
end

-- Absolute path with ~ expanded; nil stays nil.
local function absolute(path)
  if path == nil or path == "" then
    return nil
  end
  path = vim.fn.fnamemodify(vim.fn.expand(path), ":p")
  if #path > 1 then
    path = path:gsub("/+$", "")
  end
  return path
end

--- The server command for a `cmd` setting, or nil and why not.
--- @return table|nil cmd, string|nil problem
function M.resolve_cmd(cmd)
  if cmd == nil then
    local found = vim.fn.exepath("maskfill")
    if found == "" then
      return nil,
        "cannot find the `maskfill` executable on PATH. Install it (swift build -c release, then copy "
          .. ".build/release/maskfill to a folder on PATH) or pass its path: "
          .. "require(\"maskfill\").setup({ cmd = \"/path/to/maskfill\" })"
    end
    return { found, "lsp" }, nil
  end
  local command
  if type(cmd) == "string" then
    command = { cmd, "lsp" }
  elseif type(cmd) == "table" and type(cmd[1]) == "string" then
    command = vim.deepcopy(cmd)
  else
    return nil, "setup({ cmd = ... }) takes the path of the maskfill executable or a list such as { \"maskfill\", \"lsp\" }"
  end
  local program = vim.fn.expand(command[1])
  local found = vim.fn.exepath(program)
  if found == "" then
    return nil,
      ("cannot run %s (from setup({ cmd = ... })): no executable file there. Build MaskFill "
        .. "(swift build -c release) and give the path of .build/release/maskfill"):format(program)
  end
  command[1] = found
  return command, nil
end

--- The `maskfill` settings section the server reads (initializationOptions,
--- workspace/didChangeConfiguration, workspace/configuration).
function M.settings(config)
  config = config or M.config or M.defaults
  local section = {}
  section.modelPath = absolute(config.model_path)
  section.topK = config.top_k
  section.maskTokens = config.mask_tokens
  section.contextTokens = config.context_tokens
  if next(section) == nil then
    section = vim.empty_dict()
  end
  return { maskfill = section }
end

local function is_maskfill_client(client)
  if client == nil then
    return false
  end
  if client.name == M.name then
    return true
  end
  local caps = client.server_capabilities or {}
  local commands = caps.executeCommandProvider and caps.executeCommandProvider.commands or {}
  return vim.tbl_contains(commands, M.fill_command)
end

local function buffer_clients(bufnr)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = bufnr })
  end
  local list = {}
  for _, client in pairs(vim.lsp.buf_get_clients(bufnr)) do
    table.insert(list, client)
  end
  return list
end

--- The MaskFill client attached to a buffer (this plugin's, or one started by nvim-lspconfig).
function M.client(bufnr)
  if bufnr == nil or bufnr == 0 then
    bufnr = api.nvim_get_current_buf()
  end
  for _, client in ipairs(buffer_clients(bufnr)) do
    if is_maskfill_client(client) then
      return client
    end
  end
  return nil
end

-- Position conversions between byte columns and the client's position encoding.
local function char_length(byte)
  if byte < 0x80 then
    return 1
  elseif byte >= 0xF0 then
    return 4
  elseif byte >= 0xE0 then
    return 3
  elseif byte >= 0xC0 then
    return 2
  end
  return 1
end

local function units(length, encoding)
  if encoding == "utf-8" then
    return length
  elseif encoding == "utf-16" and length == 4 then
    return 2
  end
  return 1
end

--- The byte offset in `line` of an LSP character offset.
function M._byte_col(line, character, encoding)
  if encoding == "utf-8" then
    return math.min(character, #line)
  end
  local count, index = 0, 1
  while index <= #line and count < character do
    local length = char_length(line:byte(index))
    count = count + units(length, encoding)
    index = index + length
  end
  return math.min(index - 1, #line)
end

--- The LSP character offset of a byte offset in `line`.
function M._char_col(line, col, encoding)
  if encoding == "utf-8" then
    return col
  end
  local count, index = 0, 1
  while index <= col and index <= #line do
    local length = char_length(line:byte(index))
    count = count + units(length, encoding)
    index = index + length
  end
  return count
end

--- Turns a completion answer into complete-items for the line `line` (0-based `row`), with the
--- cursor at byte `col`. Every item replaces its textEdit range: the start column is the
--- earliest start, and an item whose edit starts later keeps the text in between. Nothing is
--- filtered by the text before the cursor, which is the mask itself.
--- @return integer start (0-based byte column), table items
function M._complete_items(result, line, row, col, encoding)
  local items = result and (result.items or result) or {}
  local entries = {}
  local start = nil
  for _, item in ipairs(items) do
    local edit = item.textEdit
    local range = edit and (edit.range or edit.replace or edit.insert)
    local from, to = nil, nil
    if range and range.start.line == row and range["end"].line == row then
      from = M._byte_col(line, range.start.character, encoding)
      to = M._byte_col(line, range["end"].character, encoding)
    end
    table.insert(entries, { item = item, from = from or col, to = to or col })
    start = math.min(start or col, from or col)
  end
  start = start or col
  table.sort(entries, function(a, b)
    return (a.item.sortText or a.item.label) < (b.item.sortText or b.item.label)
  end)
  local complete_items = {}
  for _, entry in ipairs(entries) do
    local item = entry.item
    local text = item.textEdit and item.textEdit.newText or item.insertText or item.label
    local word = line:sub(start + 1, entry.from) .. text
    -- What the edit replaces after the cursor (the rest of the mask when the cursor is inside it).
    local tail = entry.to > col and line:sub(col + 1, entry.to) or ""
    table.insert(complete_items, {
      word = word,
      abbr = item.label,
      kind = "Text",
      menu = item.detail or "",
      icase = 1,
      dup = 1,
      empty = 1,
      user_data = { maskfill = { tail = tail, additional = item.additionalTextEdits, encoding = encoding } },
    })
  end
  return start, complete_items
end

--- 'omnifunc' for MaskFill buffers: <C-x><C-o> after (or on) a mask lists its candidates;
--- accepting one replaces the mask.
function M.omnifunc(findstart, _)
  local bufnr = api.nvim_get_current_buf()
  local client = M.client(bufnr)
  if findstart ~= 1 then
    return {}
  end
  if client == nil then
    return -3
  end
  local win = api.nvim_get_current_win()
  local cursor = api.nvim_win_get_cursor(win)
  local row, col = cursor[1] - 1, cursor[2]
  local line = api.nvim_get_current_line()
  local encoding = client.offset_encoding or "utf-16"
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = row, character = M._char_col(line, col, encoding) },
    context = { triggerKind = 1 },
  }
  -- A reply overtaken by typing (a didChange that reached the server while the request waited)
  -- is an empty list marked incomplete: ask again, a few times, while the cursor stays put.
  local function ask(tries_left)
    client_request(client, "textDocument/completion", params, function(err, result)
      if err or result == nil then
        return
      end
      local mode = api.nvim_get_mode().mode
      if (mode ~= "i" and mode ~= "ic") or api.nvim_get_current_win() ~= win then
        return
      end
      local now = api.nvim_win_get_cursor(win)
      if now[1] ~= cursor[1] or now[2] ~= cursor[2] then
        return
      end
      local start, items = M._complete_items(result, api.nvim_get_current_line(), row, col, encoding)
      if #items > 0 then
        vim.fn.complete(start + 1, items)
      elseif type(result) == "table" and result.isIncomplete and tries_left > 0 then
        ask(tries_left - 1)
      end
    end, bufnr)
  end
  ask(3)
  -- Answered asynchronously with complete().
  return -2
end

--- After an accepted candidate: removes what its edit replaced after the cursor, then applies
--- the item's additionalTextEdits (which lie before the edit, so their positions still hold).
function M._complete_done(bufnr, item)
  local data = type(item) == "table" and type(item.user_data) == "table" and item.user_data.maskfill
  if type(data) ~= "table" then
    return
  end
  if data.tail ~= nil and data.tail ~= "" then
    local cursor = api.nvim_win_get_cursor(0)
    local line = api.nvim_get_current_line()
    if line:sub(cursor[2] + 1, cursor[2] + #data.tail) == data.tail then
      api.nvim_buf_set_text(bufnr, cursor[1] - 1, cursor[2], cursor[1] - 1, cursor[2] + #data.tail, { "" })
    end
  end
  if type(data.additional) == "table" and #data.additional > 0 then
    vim.lsp.util.apply_text_edits(data.additional, bufnr, data.encoding or "utf-16")
  end
end

--- Makes <C-x><C-o> in a buffer ask the MaskFill server with this plugin's omnifunc, and
--- finishes a taken word as the server's edit says (the rest of the mask after the cursor,
--- additionalTextEdits). setup() does this itself; call it from on_attach when another
--- set-up (vim.lsp.enable, nvim-lspconfig) starts the server.
function M.use_omnifunc(bufnr)
  if bufnr == nil or bufnr == 0 then
    bufnr = api.nvim_get_current_buf()
  end
  vim.bo[bufnr].omnifunc = "v:lua.require'maskfill'.omnifunc"
  api.nvim_create_autocmd("CompleteDone", {
    group = api.nvim_create_augroup("maskfill_buffer_" .. bufnr, { clear = true }),
    buffer = bufnr,
    callback = function()
      M._complete_done(bufnr, vim.v.completed_item)
    end,
  })
end

local function on_attach(client, bufnr)
  local config = M.config or M.defaults
  if config.omnifunc then
    M.use_omnifunc(bufnr)
  end
  if config.autotrigger then
    if vim.lsp.completion and vim.lsp.completion.enable then
      vim.lsp.completion.enable(true, client.id, bufnr, { autotrigger = true })
    else
      warn_once("autotrigger needs Neovim 0.11 or later; <C-x><C-o> still offers the candidates", vim.log.levels.WARN)
    end
  end
  if config.inlay_hints then
    if vim.lsp.inlay_hint and vim.fn.has("nvim-0.10") == 1 then
      vim.lsp.inlay_hint.enable(true, { bufnr = bufnr })
    else
      warn_once("inlay_hints needs Neovim 0.10 or later", vim.log.levels.WARN)
    end
  end
  if config.on_attach then
    config.on_attach(client, bufnr)
  end
end

-- Neovim applies versioned edits (workspaceEdit.documentChanges) and skips one made for an
-- older text than the buffer's, but 0.7 does not say so: without it the server must send edits
-- with no version, which an editor applies to whatever the text has become.
local function client_capabilities(user)
  local capabilities = vim.tbl_deep_extend("force", vim.lsp.protocol.make_client_capabilities(), user or {})
  capabilities.workspace = capabilities.workspace or {}
  capabilities.workspace.workspaceEdit = capabilities.workspace.workspaceEdit or {}
  if capabilities.workspace.workspaceEdit.documentChanges == nil then
    capabilities.workspace.workspaceEdit.documentChanges = true
  end
  return capabilities
end

local function client_config(bufnr, cmd)
  local config = M.config
  local settings = M.settings(config)
  local root = vim.fn.getcwd()
  local name = api.nvim_buf_get_name(bufnr)
  if name ~= "" and root == "" then
    root = vim.fn.fnamemodify(name, ":p:h")
  end
  return {
    name = M.name,
    cmd = cmd,
    root_dir = root,
    init_options = settings,
    settings = settings,
    capabilities = client_capabilities(config.capabilities),
    on_attach = on_attach,
    on_exit = function(code, signal)
      client_id = nil
      if not exiting and (code ~= 0 or signal ~= 0) then
        vim.schedule(function()
          notify(
            ("the language server stopped (exit code %d, signal %d); see :LspLog. Reopen the buffer to restart it."):format(
              code,
              signal
            ),
            vim.log.levels.ERROR
          )
        end)
      end
    end,
  }
end

--- Starts the server for a buffer (or attaches the running one to it).
function M.attach(bufnr)
  if bufnr == nil or bufnr == 0 then
    bufnr = api.nvim_get_current_buf()
  end
  if M.config == nil then
    notify("call require(\"maskfill\").setup() first", vim.log.levels.WARN)
    return nil
  end
  -- Only buffers of files: not hover windows, prompts or unnamed scratch buffers.
  if not api.nvim_buf_is_valid(bufnr) or vim.bo[bufnr].buftype ~= "" or api.nvim_buf_get_name(bufnr) == "" then
    return nil
  end
  if M.client(bufnr) then
    return M.client(bufnr).id
  end
  local cmd, problem = M.resolve_cmd(M.config.cmd)
  if cmd == nil then
    warn_once(problem)
    return nil
  end
  local config = client_config(bufnr, cmd)
  if vim.lsp.start then
    client_id = vim.lsp.start(config, {
      bufnr = bufnr,
      -- One server for every buffer: it has no notion of a project.
      reuse_client = function(client, conf)
        return client.name == conf.name
      end,
    })
  else
    local running = client_id and vim.lsp.get_client_by_id(client_id)
    if not running or running.is_stopped() then
      client_id = vim.lsp.start_client(config)
    end
    if client_id then
      vim.lsp.buf_attach_client(bufnr, client_id)
    end
  end
  if client_id == nil then
    warn_once(("could not start %s"):format(table.concat(cmd, " ")))
  end
  return client_id
end

local function describe_fill(result)
  if type(result) ~= "table" then
    return "done", vim.log.levels.INFO
  end
  local masks, filled = result.masks or 0, result.filled or 0
  if masks == 0 then
    return "no masks in this buffer", vim.log.levels.INFO
  elseif result.applied then
    return ("filled %d of %d masks"):format(filled, masks), vim.log.levels.INFO
  elseif result.failureReason then
    return ("nothing was filled: %s"):format(result.failureReason), vim.log.levels.WARN
  end
  return ("nothing was filled (%d masks)"):format(masks), vim.log.levels.WARN
end

--- Fills every mask in a buffer with its best candidate (the server's maskfill.fillAll; the
--- server sends the edits back as workspace/applyEdit). `on_done(err, result)` is optional.
function M.fill_all(bufnr, on_done)
  if bufnr == nil or bufnr == 0 then
    bufnr = api.nvim_get_current_buf()
  end
  local client = M.client(bufnr)
  if client == nil then
    local filetypes = table.concat((M.config or M.defaults).filetypes, ", ")
    notify(
      ("no MaskFill server is attached to this buffer (filetype %q; setup() starts it for %s)"):format(
        vim.bo[bufnr].filetype,
        filetypes
      ),
      vim.log.levels.WARN
    )
    if on_done then
      on_done({ message = "no MaskFill server attached" }, nil)
    end
    return
  end
  local params = { command = M.fill_command, arguments = { vim.uri_from_bufnr(bufnr) } }
  client_request(client, "workspace/executeCommand", params, function(err, result)
    if err then
      notify("filling the masks failed: " .. (err.message or tostring(err)), vim.log.levels.ERROR)
    else
      local message, level = describe_fill(result)
      notify(message, level)
    end
    if on_done then
      on_done(err, result)
    end
  end, bufnr)
end

--- Defines :MaskFillAll (also done by plugin/maskfill.lua).
function M.create_commands()
  api.nvim_create_user_command("MaskFillAll", function()
    M.fill_all(0)
  end, { desc = "MaskFill: fill every mask in the buffer with its best candidate", force = true })
end

--- setup({ cmd, model_path, top_k, mask_tokens, context_tokens, filetypes, omnifunc,
---         capabilities, on_attach })
function M.setup(opts)
  M.config = vim.tbl_deep_extend("force", vim.deepcopy(M.defaults), opts or {})
  if opts and opts.filetypes then
    M.config.filetypes = opts.filetypes
  end
  warned = {}
  M.create_commands()
  group = api.nvim_create_augroup("maskfill", { clear = true })
  api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = M.config.filetypes,
    callback = function(args)
      M.attach(args.buf)
    end,
  })
  api.nvim_create_autocmd("VimLeavePre", {
    group = group,
    callback = function()
      exiting = true
    end,
  })
  -- A server already running gets the new settings.
  local running = client_id and vim.lsp.get_client_by_id(client_id)
  if running then
    local settings = M.settings()
    running.config.settings = settings
    if running.settings ~= nil then
      running.settings = settings -- where 0.11 looks for workspace/configuration answers
    end
    client_notify(running, "workspace/didChangeConfiguration", { settings = settings })
  end
  -- Buffers already open.
  for _, bufnr in ipairs(api.nvim_list_bufs()) do
    if api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(M.config.filetypes, vim.bo[bufnr].filetype) then
      M.attach(bufnr)
    end
  end
  return M
end

return M
