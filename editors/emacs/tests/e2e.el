;;; e2e.el --- drives maskfill.el in a batch Emacs with eglot and the real server  -*- lexical-binding: t; -*-

;; Run by Tests/EditorTests/EmacsEglotTests.swift:
;;   MASKFILL_BIN=... MASKFILL_TEST_DIR=... MASKFILL_TEST_OUT=results.json emacs --batch -l e2e.el
;; (not -Q: Debian's site start-up is what puts elpa-eglot on the load path on Emacs 28)
;; It sets up MaskFill as the README says (load maskfill.el, default model), opens a .txt file,
;; completes at a mask through the *Completions* list, fills every mask, and writes what it saw
;; to MASKFILL_TEST_OUT as JSON for the Swift test to judge.

(require 'json)

(defvar e2e-results nil "Alist of what the session saw.")
(defvar e2e-file (expand-file-name "notes.txt" (getenv "MASKFILL_TEST_DIR")))
(defun e2e-record (key value) (push (cons key value) e2e-results))

(defun e2e-write-and-exit (code)
  (with-temp-file (getenv "MASKFILL_TEST_OUT")
    (insert (json-encode e2e-results)))
  (kill-emacs code))

(defun e2e-wait (predicate seconds)
  "Wait until PREDICATE holds, at most SECONDS."
  (let ((deadline (+ (float-time) seconds)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (funcall predicate)))

(defun e2e-completions ()
  "The *Completions* list: ((word . annotation) ...) in the order shown."
  (with-current-buffer "*Completions*"
    (goto-char (point-min))
    (let (out)
      (while (let ((next (next-single-property-change (point) 'completion--string)))
               (and next (goto-char next)))
        (when-let ((word (get-text-property (point) 'completion--string)))
          (let* ((start (point))
                 (end (next-single-property-change start 'completion--string nil (point-max)))
                 ;; The annotation is the text in `completions-annotations' face up to the next
                 ;; column: after the word's span on Emacs 28, inside it on Emacs 30.
                 (column-end (save-excursion (goto-char end) (skip-chars-forward "^\t\n") (point)))
                 (annotation (text-property-search-forward 'face 'completions-annotations
                                                           (lambda (wanted value) (memq wanted (ensure-list value)))))
                 (inside (and annotation (<= (prop-match-end annotation) (max column-end end)))))
            (push (cons (substring-no-properties word)
                        (if inside
                            (string-trim (buffer-substring-no-properties (prop-match-beginning annotation)
                                                                         (prop-match-end annotation)))
                          ""))
                  out)
            (goto-char (max end (if inside (prop-match-end annotation) start))))))
      (nreverse out))))

(defun e2e-inlay-hints ()
  "Eglot's inlay hints in the buffer: ((position . text) ...), in buffer order."
  (let (hints)
    (dolist (overlay (overlays-in (point-min) (point-max)))
      (when-let ((text (overlay-get overlay 'after-string)))
        (push (cons (overlay-start overlay) (string-trim (substring-no-properties text))) hints)))
    (sort hints (lambda (a b) (< (car a) (car b))))))

(defun e2e-choose (word)
  "Choose WORD in the *Completions* list, as RET on it does."
  (let ((window (get-buffer-window "*Completions*")))
    (select-window window)
    (goto-char (point-min))
    (text-property-search-forward 'completion--string word #'equal)
    (backward-char 1)
    (choose-completion)
    (select-window (get-buffer-window (get-file-buffer e2e-file)))))

(condition-case err
    (progn
      ;; The README's set-up, with the executable that the tests built.
      (setq maskfill-program (getenv "MASKFILL_BIN"))
      (load (expand-file-name "editors/emacs/maskfill.el" default-directory))
      (setq eglot-confirm-server-initiated-edits nil)  ; no one to answer "Proceed?" here
      (e2e-record "emacs_version" emacs-version)
      (e2e-record "eglot_library" (locate-library "eglot"))
      (let ((maskfill-model-path "~/models/roberta-base")
            (maskfill-context-tokens 256)
            (maskfill-mask-tokens '("___" "<mask>")))
        (e2e-record "contact_with_model" (maskfill--contact)))
      (e2e-record "contact_default" (maskfill--contact))

      (with-temp-file e2e-file
        (insert "I have watched this <mask> and it was awesome. Then <mask> ate bread.\n"))
      (find-file e2e-file)
      (run-hooks 'post-command-hook)  ; eglot-ensure connects after the command that opened the file
      (e2e-record "connected" (and (e2e-wait #'eglot-current-server 30) t))
      (e2e-record "server_name" (plist-get (eglot--server-info (eglot-current-server)) :name))

      ;; Inlay hints (an eglot with them, Emacs 29+, turns them on by itself): the best word
      ;; and its probability after each mask.  Batch Emacs does not redisplay, so ask directly.
      (when (fboundp 'eglot--update-hints)
        (e2e-record "inlay_hints_mode" (bound-and-true-p eglot-inlay-hints-mode))
        (eglot--update-hints (point-min) (point-max))
        (e2e-wait (lambda () (>= (length (e2e-inlay-hints)) 2)) 10)
        (e2e-record "inlay_hints" (vconcat (mapcar (lambda (h) (vector (car h) (cdr h))) (e2e-inlay-hints)))))

      ;; Hover (eldoc's source for it, as `M-x eldoc' or the echo area asks it) inside the
      ;; second mask: the candidate table, as eglot renders it.
      (goto-char (point-min))
      (search-forward "<mask>" nil nil 2)
      (backward-char 2)
      (let ((hover nil))
        (eglot-hover-eldoc-function (lambda (info &rest _) (setq hover (or info ""))))
        (e2e-wait (lambda () hover) 10)
        (e2e-record "hover" (and hover (substring-no-properties hover))))

      ;; Complete at the second mask, then at the first after the buffer changed.
      (goto-char (point-min))
      (search-forward "<mask>" nil nil 2)
      (completion-at-point)
      (let ((shown (e2e-completions)))
        (e2e-record "completions" (vconcat (mapcar (lambda (c) (vector (car c) (cdr c))) shown)))
        (e2e-choose (car (nth 1 shown)))
        (e2e-record "second_choice" (car (nth 1 shown))))
      (e2e-record "after_choice" (buffer-substring-no-properties (point-min) (point-max)))
      ;; Type before the first mask and complete there at once: the server must answer for
      ;; the text with this change, or its range would miss the mask by the typed length.
      (goto-char (point-min))
      (search-forward "have ")
      (insert "really ")
      (search-forward "<mask>")
      (completion-at-point)
      (let ((shown (e2e-completions)))
        (e2e-record "completions_after_change" (vconcat (mapcar (lambda (c) (vector (car c) (cdr c))) shown)))
        (e2e-choose (car (car shown)))
        (e2e-record "first_choice" (car (car shown))))
      (e2e-record "after_second_choice" (buffer-substring-no-properties (point-min) (point-max)))

      ;; Type two more masks and fill every mask at once, before eglot's idle timer has sent them.
      (goto-char (point-max))
      (insert "We drank <mask> and <mask>.\n")
      (maskfill-fill-all)
      (e2e-record "after_fill_all" (buffer-substring-no-properties (point-min) (point-max)))

      ;; company-mode (Debian's elpa-company, where installed) through its capf backend.
      (when (require 'company nil t)
        (goto-char (point-max))
        (insert "She drank a cup of <mask> with her breakfast.\n")
        (search-backward "<mask>")
        (goto-char (match-end 0))
        (company-mode 1)
        (company-manual-begin)
        (e2e-record "company_candidates" (vconcat (mapcar #'substring-no-properties company-candidates)))
        (e2e-record "company_annotation" (and company-candidates
                                              (company-call-backend 'annotation (car company-candidates))))
        (company-complete-selection)
        (e2e-record "after_company" (buffer-substring-no-properties (line-beginning-position) (line-end-position)))
        (company-mode -1))

      ;; A code action on a mask, chosen as the prompt would be answered: "Replace with …".
      (goto-char (point-max))
      (insert "The acting was <mask>.\n")
      (search-backward "<mask>")
      (forward-char 2)
      (let ((offered nil)
            (last-nonmenu-event ?a))  ; a key, not a mouse event: eglot prompts, not a menu
        (cl-letf (((symbol-function 'completing-read)
                   (lambda (_prompt collection &rest _)
                     (setq offered (all-completions "" collection))
                     (seq-find (lambda (title) (string-prefix-p "Replace with" title)) offered))))
          (call-interactively #'eglot-code-actions))
        (e2e-record "code_actions" (vconcat offered)))
      (e2e-record "after_code_action" (buffer-substring-no-properties (line-beginning-position) (line-end-position)))
      (e2e-write-and-exit 0))
  (error
   (e2e-record "error" (format "%S" err))
   (e2e-write-and-exit 1)))

;;; e2e.el ends here
