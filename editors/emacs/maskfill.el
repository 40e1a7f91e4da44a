;;; maskfill.el --- MaskFill for Emacs, through eglot  -*- lexical-binding: t; -*-

;; Starts `maskfill lsp' for plain-text and markdown buffers with eglot (built into Emacs 29;
;; on Emacs 28, Debian's elpa-eglot or `M-x package-install RET eglot').
;;
;; In your init file (use the path of your MaskFill clone):
;;
;;   ;; (setq maskfill-model-path "~/models/roberta-base")  ; optional: another model than the default
;;   (load "~/src/maskfill/editors/emacs/maskfill.el")
;;
;; Then open a .txt or .md file: eglot starts the server.  After a mask, C-M-i
;; (`completion-at-point') lists the candidates; with point on a mask, eldoc shows their
;; probabilities; `M-x maskfill-fill-all' fills every mask.

(require 'eglot)

(defvar maskfill-program "maskfill"
  "The maskfill executable: a name on `exec-path' or a full path.")

(defvar maskfill-model-path nil
  "A model folder (config.json, model.safetensors, tokenizer.json); nil for the default.")

(defvar maskfill-top-k 5
  "Candidates per mask (1 to 50).")

(defun maskfill--contact (&rest _)
  "The server command, with the settings as initializationOptions."
  (list maskfill-program "lsp"
        :initializationOptions
        (list :maskfill (list :modelPath (if maskfill-model-path
                                             (expand-file-name maskfill-model-path)
                                           :null)
                              :topK maskfill-top-k))))

;; Appended, so that servers configured for modes derived from text-mode (LaTeX, Org…) keep
;; precedence; markdown-mode (and gfm-mode, derived from it) first, then text-mode.
(add-to-list 'eglot-server-programs
             '(((markdown-mode :language-id "markdown") (text-mode :language-id "plaintext"))
               . maskfill--contact)
             t)

(defun maskfill-eglot-ensure ()
  "Start MaskFill in plain-text and markdown buffers (not in other text-mode derivatives)."
  (when (and buffer-file-name (memq major-mode '(text-mode markdown-mode gfm-mode)))
    (eglot-ensure)))

(add-hook 'text-mode-hook #'maskfill-eglot-ensure)

(defun maskfill-fill-all ()
  "Fill every mask in the current buffer with its best candidate."
  (interactive)
  (let ((uri (funcall (if (fboundp 'eglot-path-to-uri) 'eglot-path-to-uri 'eglot--path-to-uri)
                      (buffer-file-name))))
    (eglot-execute-command (eglot--current-server-or-lose) "maskfill.fillAll" (vector uri))))

(provide 'maskfill)
;;; maskfill.el ends here
