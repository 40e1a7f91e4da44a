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

(defvar maskfill-context-tokens nil
  "Tokens of text around a mask the model reads (16 to 4096); nil for the server's 96.")

(defvar maskfill-mask-tokens nil
  "Spellings that count as masks, such as (\"<mask>\" \"___\"); nil for the server's
<mask>, [MASK] and the model's own mask token.")

(defun maskfill--contact (&rest _)
  "The server command, with the settings as initializationOptions."
  (list maskfill-program "lsp"
        :initializationOptions
        ;; No modelPath without a model path: the server then uses its default model.  (jsonrpc
        ;; writes nil as null, but a plist of nil values can read as an empty list, and `:null'
        ;; is no JSON value to it: the connection failed before the server started.)
        (list :maskfill (append (when maskfill-model-path
                                  (list :modelPath (expand-file-name maskfill-model-path)))
                                (list :topK maskfill-top-k)
                                (when maskfill-context-tokens
                                  (list :contextTokens maskfill-context-tokens))
                                (when maskfill-mask-tokens
                                  (list :maskTokens (vconcat maskfill-mask-tokens)))))))

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

;;; Completion: MaskFill's own, on every eglot.  Eglot's completion takes its region from the
;;; symbol at point, which a mask is not.  Eglot 1.9 (Debian's, for Emacs 28) keeps only the
;;; candidates that start with the text at point ("<mask>") and deletes text on the assumption
;;; that the chosen word starts with it; the eglot of Emacs 30 offers the words but, after a
;;; choice, replaced more than the mask ("<mask> a" with "movie": "moviend it was").  Here the
;;; region is the item's textEdit range and the words are shown unfiltered, in the server's order.

(defun maskfill--items-at-point (server)
  "The server's completion items at point, as a list."
  ;; The server must answer for the text as it is now: send the pending changes first (newer
  ;; eglots no longer do that for :deferred requests).  A key pressed meanwhile (company,
  ;; corfu) cancels the request instead of waiting for the answer.
  (eglot--signal-textDocument/didChange)
  (let ((response (jsonrpc-request server :textDocument/completion (eglot--CompletionParams)
                                   :deferred :textDocument/completion
                                   :cancel-on-input t)))
    (append (if (vectorp response) response (plist-get response :items)) nil)))

(defun maskfill--completion-at-point ()
  "Offer the server's words for the mask at point, in its order, replacing the whole mask."
  (when-let* ((server (eglot-current-server))
              (items (maskfill--items-at-point server))
              (edit (plist-get (car items) :textEdit)))
    (pcase-let ((`(,beg . ,end) (eglot--range-region (plist-get edit :range)))
                (words (mapcar (lambda (item)
                                 (propertize (plist-get (plist-get item :textEdit) :newText)
                                             'maskfill-item item))
                               items)))
      (list beg end
            (lambda (string pred action)
              (if (eq action 'metadata)
                  '(metadata (category . maskfill)
                             (display-sort-function . identity)
                             (cycle-sort-function . identity))
                (complete-with-action action words string pred)))
            :annotation-function
            (lambda (word)
              (concat " " (plist-get (get-text-property 0 'maskfill-item word) :detail)))
            :exit-function
            (lambda (word status)
              (when (memq status '(finished exact))
                ;; A piece that joins the word before it also removes the space before the mask:
                ;; that edit lies before the mask, so its range is still right.
                (when-let* ((item (get-text-property
                                   0 'maskfill-item (or (car (member word words)) word)))
                            (extra (plist-get item :additionalTextEdits)))
                  (eglot--apply-text-edits extra))))))))

;; A completion style for that table: every candidate, whatever text the mask is.
(defun maskfill--offered-try (string table pred point)
  (let ((words (all-completions "" table pred)))
    (cond ((null words) nil)
          ((null (cdr words)) (cons (car words) (length (car words))))
          (t (cons string point)))))

(defun maskfill--offered-all (_string table pred _point)
  (all-completions "" table pred))

(add-to-list 'completion-styles-alist
             '(maskfill-offered maskfill--offered-try maskfill--offered-all
                                "The language server's candidates, unfiltered."))
(add-to-list 'completion-category-defaults '(maskfill (styles maskfill-offered)))

(defun maskfill--use-own-completion ()
  "Put `maskfill--completion-at-point' first in MaskFill buffers."
  (when (and (eglot-current-server)
             (equal (plist-get (eglot--server-info (eglot-current-server)) :name) "maskfill"))
    (add-hook 'completion-at-point-functions #'maskfill--completion-at-point nil t)))

(add-hook 'eglot-managed-mode-hook #'maskfill--use-own-completion)

(defun maskfill-fill-all ()
  "Fill every mask in the current buffer with its best candidate."
  (interactive)
  (let ((uri (funcall (if (fboundp 'eglot-path-to-uri) 'eglot-path-to-uri 'eglot--path-to-uri)
                      (buffer-file-name))))
    ;; The server fills the text it has: send it the latest changes first, or its edit is for
    ;; an older version, which eglot refuses.
    (eglot--signal-textDocument/didChange)
    (eglot-execute-command (eglot--current-server-or-lose) "maskfill.fillAll" (vector uri))))

(provide 'maskfill)
;;; maskfill.el ends here
