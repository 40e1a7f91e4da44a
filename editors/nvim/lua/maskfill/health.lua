-- :checkhealth maskfill — the executable, its version, the model folder, the running server.
local M = {}

-- vim.health.start/ok/... from 0.9 on; report_* on 0.8; require("health") on 0.7.
local health = vim.health or require("health")
local start = health.start or health.report_start
local ok = health.ok or health.report_ok
local info = health.info or health.report_info
local warn = health.warn or health.report_warn
local fail = health.error or health.report_error

local function check_model(path)
  if vim.fn.isdirectory(path) == 0 then
    fail(("model folder %s does not exist"):format(path), {
      "Set model_path in require(\"maskfill\").setup({...}) to a folder with config.json, model.safetensors and tokenizer.json",
    })
    return
  end
  local missing = {}
  for _, file in ipairs({ "config.json", "model.safetensors", "tokenizer.json" }) do
    if vim.fn.filereadable(path .. "/" .. file) == 0 then
      table.insert(missing, file)
    end
  end
  if #missing > 0 then
    fail(("model folder %s lacks %s"):format(path, table.concat(missing, ", ")))
  else
    ok("model: " .. path)
  end
end

-- The default model is wherever the executable finds it (beside itself, or in its share/
-- folder): ask it, by loading the model once as the server would.
local function check_default_model(cmd)
  local output = vim.fn.system({ cmd[1], "bench", "--precision", "int8", "--runs", "1", "--input", "<mask>", "--json" })
  local decoded, report = pcall(vim.fn.json_decode, output)
  if vim.v.shell_error ~= 0 or not decoded or type(report) ~= "table" or type(report.model) ~= "string" then
    fail("the default model cannot be loaded: " .. vim.trim(output), {
      "Install it as the README says (Models/maskfill-mini into ~/.local/share/maskfill/), or set model_path",
    })
    return
  end
  ok(("model: %s (the default model; loads in %.0f ms)"):format(report.model, report.load_ms or 0))
end

function M.check()
  start("maskfill")
  local maskfill = require("maskfill")
  local config = maskfill.config
  if config == nil then
    warn("require(\"maskfill\").setup() has not been called: the server starts only after it", {
      "Add require(\"maskfill\").setup({}) to your init.lua",
    })
    config = maskfill.defaults
  else
    ok("setup() called; the server starts for filetypes: " .. table.concat(config.filetypes, ", "))
  end

  local cmd, problem = maskfill.resolve_cmd(config.cmd)
  if cmd == nil then
    fail(problem)
  else
    ok("executable: " .. cmd[1])
    local output = vim.fn.system({ cmd[1], "--version" })
    if vim.v.shell_error == 0 then
      ok("version: " .. vim.trim(output))
    else
      fail(("`%s --version` failed (exit code %d): %s"):format(cmd[1], vim.v.shell_error, vim.trim(output)))
    end
  end

  local section = maskfill.settings(config).maskfill
  if section.modelPath then
    check_model(section.modelPath)
  elseif os.getenv("MASKFILL_MODEL") and os.getenv("MASKFILL_MODEL") ~= "" then
    info("model_path not set; the server uses $MASKFILL_MODEL")
    check_model((vim.fn.fnamemodify(os.getenv("MASKFILL_MODEL"), ":p"):gsub("/+$", "")))
  elseif cmd ~= nil then
    check_default_model(cmd)
  else
    info("model_path not set: the server uses the default model installed with maskfill")
  end

  local running = false
  local clients = vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()
  for _, client in ipairs(clients) do
    if client.name == maskfill.name then
      running = true
      local buffers = client.attached_buffers and vim.tbl_keys(client.attached_buffers)
        or vim.lsp.get_buffers_by_client_id(client.id)
      ok(("server running (client %d: %s) for %d buffer(s)"):format(
        client.id,
        table.concat(client.config.cmd or {}, " "),
        #buffers
      ))
    end
  end
  if not running then
    info("no MaskFill server is running (it starts when a buffer of those filetypes opens)")
  end
end

return M
