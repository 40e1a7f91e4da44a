-- MaskFill: defines :MaskFillAll when the plugin is on 'runtimepath'. The server itself starts
-- only after require("maskfill").setup({...}) (see :help maskfill), which defines the command
-- too, so it exists even where plugin/ files are not sourced (nvim -u NONE).
if vim.g.loaded_maskfill then
  return
end
vim.g.loaded_maskfill = 1

require("maskfill").create_commands()
