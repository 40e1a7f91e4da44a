" MaskFill for Vim, with vim-lsp (https://github.com/prabirshrestha/vim-lsp).
" Source this file from your vimrc after vim-lsp is loaded:
"
"   source ~/src/maskfill/editors/vim/maskfill.vim
"
" `maskfill` must be on PATH; set g:maskfill_model_path to your model folder (or leave it unset
" for $MASKFILL_MODEL / the model installed with maskfill). Completion: <C-x><C-o> after a mask;
" hover: :LspHover; fill every mask: :MaskFillAll.

if executable('maskfill')
  augroup maskfill
    autocmd!
    autocmd User lsp_setup call lsp#register_server({
          \ 'name': 'maskfill',
          \ 'cmd': {server_info -> ['maskfill', 'lsp']},
          \ 'allowlist': ['text', 'markdown'],
          \ 'initialization_options': {'maskfill': {
          \   'modelPath': exists('g:maskfill_model_path') ? expand(g:maskfill_model_path) : v:null,
          \   'topK': get(g:, 'maskfill_top_k', 5)}},
          \ })
    autocmd User lsp_buffer_enabled if index(['text', 'markdown'], &filetype) >= 0 |
          \ setlocal omnifunc=lsp#complete | endif
  augroup END
  command! MaskFillAll call lsp#send_request('maskfill', {
        \ 'method': 'workspace/executeCommand',
        \ 'params': {'command': 'maskfill.fillAll', 'arguments': [lsp#utils#get_buffer_uri()]},
        \ })
else
  echohl WarningMsg
  echomsg 'maskfill.vim: `maskfill` is not on PATH; build it (swift build -c release) and put it there'
  echohl None
endif
